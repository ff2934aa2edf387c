package dev.deliberate.generate;

import dev.deliberate.model.ThinkTags;
import dev.deliberate.model.ChatResponse;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits one model choice into chain of thought and reply, or says why it cannot. The reasoning is taken from,
 * in this order:
 *
 * <ol>
 *   <li>the choice's separate reasoning channel (servers that return {@code reasoning_content});
 *   <li>a {@code <think>...</think>} block at the start of the content;
 *   <li>everything before the last line that starts with {@value Stage1Prompt#FINAL_ANSWER_MARKER} (the delimiter
 *       our stage-1 instructions ask for), case-insensitive.
 * </ol>
 *
 * In the first two cases a leading "Final answer:" in the reply is removed too. A choice cut at the token limit,
 * without reasoning, without a reply, or whose reply leaks the analysis is rejected with its {@link DropReason}.
 */
public final class CotParser {
  private static final Pattern MARKER = Pattern.compile("(?im)^[ \\t*_#>]*final answer[ \\t*_]*:[ \\t*_]*");

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
    String reasoning;
    String answer;
    ThinkTags.Split inline = ThinkTags.split(choice.content());
    if (!choice.reasoning().isBlank()) {
      reasoning = choice.reasoning();
      answer = afterMarker(choice.content()).orElse(choice.content());
    } else if (!inline.reasoning().isEmpty()) {
      reasoning = inline.reasoning();
      answer = afterMarker(inline.content()).orElse(inline.content());
    } else {
      Optional<Integer> at = lastMarker(choice.content());
      reasoning = at.map(i -> choice.content().substring(0, i)).orElse("");
      answer = afterMarker(choice.content()).orElse(choice.content());
    }
    reasoning = reasoning.strip();
    answer = answer.strip();
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

  private static Optional<Integer> lastMarker(String text) {
    Matcher m = MARKER.matcher(text);
    Integer last = null;
    while (m.find()) {
      last = m.start();
    }
    return Optional.ofNullable(last);
  }

  private static Optional<String> afterMarker(String text) {
    Matcher m = MARKER.matcher(text);
    Integer end = null;
    while (m.find()) {
      end = m.end();
    }
    return end == null ? Optional.empty() : Optional.of(text.substring(end));
  }

}
