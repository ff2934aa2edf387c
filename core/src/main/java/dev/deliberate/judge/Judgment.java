package dev.deliberate.judge;

import java.util.Map;

/**
 * A judge's verdict on one answer.
 *
 * @param score overall score in [0, 1]; 0 for a failed judgment
 * @param criteria per-criterion scores in [0, 1] (decision, style, citations, no_leak, helpfulness ...)
 * @param rationale a short reason in the judge's words
 * @param suspicious true when the judged text tried to instruct the judge
 * @param failure null for a valid judgment, else why no valid verdict could be had
 */
public record Judgment(double score, Map<String, Double> criteria, String rationale, boolean suspicious, String failure) {
  public Judgment {
    criteria = criteria == null ? Map.of() : Map.copyOf(criteria);
    rationale = rationale == null ? "" : rationale;
  }

  public static Judgment failed(String reason) {
    return new Judgment(0.0, Map.of(), "", false, reason);
  }

  public boolean ok() {
    return failure == null;
  }
}
