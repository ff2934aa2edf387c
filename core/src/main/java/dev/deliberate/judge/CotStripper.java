package dev.deliberate.judge;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts the chain of thought out of a model's text so that a judge sees only the final answer (RL reward and
 * evaluation: the judge must never see the CoT). The rule is that the judge sees what a user would be shown: every
 * part the model marked as reasoning goes, everything else stays. Marked reasoning is:
 *
 * <ul>
 *   <li>a block {@code <think>...</think>} anywhere in the text, ended by the first closing tag after the opening
 *       one (the way common reasoning parsers split, so an opening tag written inside the reasoning does not extend
 *       the block); tags are matched case-insensitively and {@code <thinking>} and {@code <reasoning>} count too;
 *   <li>everything up to a closing tag that comes before any opening tag: chat templates of reasoning models open
 *       the block in the prompt, so the reply starts mid-thought;
 *   <li>everything from an opening tag that is never closed to the end: the reply was cut off while thinking;
 *   <li>in the channel format some open-weight models use ({@code <|channel|>analysis<|message|>...}), everything
 *       but the last final-channel message.
 * </ul>
 *
 * A "Final answer:" line alone does not mark reasoning: stripping on it would let a policy hide text from the judge
 * that a user would still see. Closing tags left without an opening one after the first block stay in the answer,
 * where the judge can see them.
 */
public final class CotStripper {
  private static final String TAG_NAMES = "think|thinking|reasoning";
  private static final Pattern OPEN = Pattern.compile("<\\s*(?:" + TAG_NAMES + ")\\s*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern CLOSE = Pattern.compile("<\\s*/\\s*(?:" + TAG_NAMES + ")\\s*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern FINAL_CHANNEL = Pattern.compile("<\\|channel\\|>\\s*final\\s*<\\|message\\|>");
  private static final Pattern CHANNEL_END = Pattern.compile("<\\|(?:end|return|call|start)\\|>");

  private CotStripper() {}

  /**
   * What is left of a text once its reasoning is cut.
   *
   * @param answer the final answer, stripped of surrounding white space; empty when the text was all reasoning
   * @param removedReasoning true when some marked reasoning was cut
   */
  public record Stripped(String answer, boolean removedReasoning) {}

  /** The answer of {@code text} with every marked reasoning part removed. */
  public static Stripped strip(String text) {
    if (text == null || text.isEmpty()) {
      return new Stripped("", false);
    }
    String rest = text;
    boolean removed = false;

    Matcher finalChannel = FINAL_CHANNEL.matcher(rest);
    int finalStart = -1;
    while (finalChannel.find()) {
      finalStart = finalChannel.end();
    }
    if (finalStart >= 0) {
      rest = rest.substring(finalStart);
      Matcher end = CHANNEL_END.matcher(rest);
      if (end.find()) {
        rest = rest.substring(0, end.start());
      }
      removed = true;
    } else if (rest.contains("<|channel|>")) {
      // Channel format without a final message: all of it is analysis, nothing was answered.
      return new Stripped("", true);
    }

    Matcher firstOpen = OPEN.matcher(rest);
    Matcher firstClose = CLOSE.matcher(rest);
    if (firstClose.find() && (!firstOpen.find() || firstClose.start() < firstOpen.start())) {
      rest = rest.substring(firstClose.end());
      removed = true;
    }

    StringBuilder answer = new StringBuilder();
    int at = 0;
    Matcher open = OPEN.matcher(rest);
    Matcher close = CLOSE.matcher(rest);
    while (open.find(at)) {
      answer.append(rest, at, open.start());
      removed = true;
      if (!close.find(open.end())) {
        at = rest.length();
        break;
      }
      at = close.end();
    }
    answer.append(rest.substring(at));
    return new Stripped(answer.toString().strip(), removed);
  }

  /** Shorthand for {@code strip(text).answer()}. */
  public static String answer(String text) {
    return strip(text).answer();
  }
}
