package dev.deliberate.generate;

import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ReasoningSplitter;
import java.util.Optional;
import java.util.Set;

/**
 * Checks one model choice of the generate stage: splits it into chain of thought and reply with the one splitter
 * ({@link ReasoningSplitter#splitAtFinalAnswer}, since our stage-1 instructions ask for a
 * {@value Stage1Prompt#FINAL_ANSWER_MARKER} line), or says why it cannot be used. The reasoning is the choice's
 * separate reasoning channel (servers that return {@code reasoning_content}) joined with whatever the content
 * marks as reasoning (think blocks, text before the last "Final answer:" line). A choice cut at the token limit,
 * without reasoning, without a reply, or whose reply leaks the analysis is rejected with its {@link DropReason}.
 */
public final class CotParser {
  private final Set<String> knownAnchors;

  /** @param knownAnchors the spec's anchors, so that a reply citing one counts as a leak */
  public CotParser(Set<String> knownAnchors) {
    this.knownAnchors = Set.copyOf(knownAnchors);
  }

  /** The outcome for one choice: reasoning and answer, and a drop reason with detail when rejected. */
  public record Parsed(String reasoning, String answer, DropReason drop, String detail) {
    public boolean ok() {
      return drop == null;
    }
  }

  public Parsed parse(ChatResponse.Choice choice) {
    ReasoningSplitter.Split inline = ReasoningSplitter.splitAtFinalAnswer(choice.content());
    String reasoning = ReasoningSplitter.join(choice.reasoning(), inline.reasoning());
    String answer = inline.answer();
    if ("length".equals(choice.finishReason())) {
      return new Parsed(reasoning, answer, DropReason.TRUNCATED, "stopped at the token limit");
    }
    if (reasoning.isEmpty()) {
      return new Parsed(reasoning, answer, DropReason.NO_REASONING, "no reasoning channel, think block or '"
          + Stage1Prompt.FINAL_ANSWER_MARKER + "' line");
    }
    if (answer.isEmpty()) {
      return new Parsed(reasoning, answer, DropReason.NO_ANSWER, "nothing after the reasoning");
    }
    Optional<String> leak = TextChecks.analysisLeak(answer, knownAnchors);
    if (leak.isPresent()) {
      return new Parsed(reasoning, answer, DropReason.ANALYSIS_LEAK, "the reply " + leak.get());
    }
    return new Parsed(reasoning, answer, null, null);
  }
}
