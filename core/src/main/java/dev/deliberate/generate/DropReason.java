package dev.deliberate.generate;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a generated sample cannot become training data; each is counted in the filter summary. */
public enum DropReason {
  /** The model wrote no chain of thought (no reasoning field, no think block, no "Final answer:" line). */
  NO_REASONING("no_reasoning"),
  /** The reasoning is there but the reply after it is empty. */
  NO_ANSWER("no_answer"),
  /** The reply cites anchors or talks about the spec or the decision: the analysis leaked into it. */
  ANALYSIS_LEAK("analysis_leak"),
  /** The model stopped at the token limit, so the reply is cut short. */
  TRUNCATED("truncated");

  private final String wireName;

  DropReason(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }
}
