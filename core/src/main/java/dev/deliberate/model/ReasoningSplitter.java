package dev.deliberate.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that separates a model's reasoning from the answer a user is shown. Everything that reads model
 * text (the OpenAI-compatible client, local models, the generate stage, judges, RL reward, evaluation, the reward
 * server) splits with it, so that what is graded is what was shown. The rule: every part the model marked as
 * reasoning is reasoning, everything else is the answer. Marked reasoning is:
 *
 * <ul>
 *   <li>a block {@code <think>...</think>} anywhere in the text, ended by the first closing tag after the opening
 *       one (the way common reasoning parsers split, so an opening tag written inside the reasoning does not extend
 *       the block); tags are matched case-insensitively, with spaces inside the brackets, and {@code <thinking>}
 *       and {@code <reasoning>} count too;
 *   <li>everything up to a closing tag that comes before any opening tag: chat templates of reasoning models open
 *       the block in the prompt, so the reply starts mid-thought;
 *   <li>everything from an opening tag that is never closed to the end: the reply was cut off while thinking;
 *   <li>in the channel format some open-weight models use ({@code <|channel|>analysis<|message|>...}), every
 *       message but the last final-channel one; without a final message nothing was answered.
 * </ul>
 *
 * A "Final answer:" line alone does not mark reasoning in {@link #split}: a judge that cut on it would let a policy
 * hide text from the judge that a user still sees. Only {@link #splitAtFinalAnswer}, for replies to our own stage-1
 * instructions (which ask for that delimiter), also splits there. Closing tags left without an opening one after
 * the first block stay in the answer, where a judge can see them.
 */
public final class ReasoningSplitter {
  /** The tags we write ourselves (exports, the local chat layouts). */
  public static final String THINK_OPEN = "<think>";
  public static final String THINK_CLOSE = "</think>";
  private static final String TAG_NAMES = "think|thinking|reasoning";
  static final Pattern OPEN = Pattern.compile("<\\s*(?:" + TAG_NAMES + ")\\s*>", Pattern.CASE_INSENSITIVE);
  static final Pattern CLOSE = Pattern.compile("<\\s*/\\s*(?:" + TAG_NAMES + ")\\s*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern CHANNEL_MESSAGE = Pattern.compile("<\\|channel\\|>\\s*(\\w+)\\s*<\\|message\\|>");
  private static final Pattern CHANNEL_END = Pattern.compile("<\\|(?:end|return|call|start)\\|>");
  /** The delimiter line our stage-1 instructions ask for, in the spellings models use (bold, heading, quote). */
  private static final Pattern FINAL_ANSWER = Pattern.compile("(?im)^[ \\t*_#>]*final answer[ \\t*_]*:[ \\t*_]*");

  private ReasoningSplitter() {}

  /**
   * A text split in two.
   *
   * @param reasoning the marked reasoning, parts joined by a blank line and stripped; empty when there was none
   * @param answer what a user is shown, stripped of surrounding white space; empty when the text was all reasoning
   * @param marked true when some part of the text was marked as reasoning (even an empty block)
   */
  public record Split(String reasoning, String answer, boolean marked) {}

  /** {@code text} split into its marked reasoning and its answer; null counts as empty. */
  public static Split split(String text) {
    if (text == null || text.isEmpty()) {
      return new Split("", "", false);
    }
    return text.contains("<|channel|>") ? channels(text) : tags(text);
  }

  private static Split tags(String text) {
    List<String> reasoning = new ArrayList<>();
    String rest = text;
    boolean marked = false;
    Matcher firstOpen = OPEN.matcher(rest);
    Matcher firstClose = CLOSE.matcher(rest);
    if (firstClose.find() && (!firstOpen.find() || firstClose.start() < firstOpen.start())) {
      reasoning.add(rest.substring(0, firstClose.start()));
      rest = rest.substring(firstClose.end());
      marked = true;
    }

    StringBuilder answer = new StringBuilder();
    int at = 0;
    Matcher open = OPEN.matcher(rest);
    Matcher close = CLOSE.matcher(rest);
    while (open.find(at)) {
      answer.append(rest, at, open.start());
      marked = true;
      if (!close.find(open.end())) {
        reasoning.add(rest.substring(open.end()));
        at = rest.length();
        break;
      }
      reasoning.add(rest.substring(open.end(), close.start()));
      at = close.end();
    }
    answer.append(rest.substring(at));
    return new Split(join(reasoning), answer.toString().strip(), marked);
  }

  /**
   * Like {@link #split}, and a line starting "Final answer:" (case-insensitive; bold, heading or quote marks
   * allowed) also ends reasoning: what follows the last such line is the answer, what precedes it joins the
   * reasoning. Only for replies to instructions that ask for this delimiter (the generate stage).
   */
  public static Split splitAtFinalAnswer(String text) {
    Split marked = split(text);
    Matcher m = FINAL_ANSWER.matcher(marked.answer());
    int start = -1;
    int end = -1;
    while (m.find()) {
      start = m.start();
      end = m.end();
    }
    if (start < 0) {
      return marked;
    }
    String before = marked.answer().substring(0, start);
    return new Split(join(List.of(marked.reasoning(), before)), marked.answer().substring(end).strip(), true);
  }

  /**
   * Whether {@code text} is exactly the layout we write and train on: it opens with one {@code <think>} block
   * holding some reasoning, closes it once, and gives a non-empty answer after it, with no other tag. Stricter than
   * {@link #split}, which reads any layout: this is the form check of exported SFT turns and of the RL format bonus.
   */
  public static boolean isOneThinkBlockThenAnswer(String text) {
    String t = text == null ? "" : text.strip();
    if (!t.startsWith(THINK_OPEN)) {
      return false;
    }
    int close = t.indexOf(THINK_CLOSE);
    if (close < 0 || t.indexOf(THINK_OPEN, 1) >= 0 || t.indexOf(THINK_CLOSE, close + 1) >= 0) {
      return false;
    }
    return !t.substring(THINK_OPEN.length(), close).isBlank() && !t.substring(close + THINK_CLOSE.length()).isBlank();
  }

  /** Shorthand for {@code split(text).answer()}: what a user is shown. */
  public static String answer(String text) {
    return split(text).answer();
  }

  /** Reasoning from two sources (a separate reasoning channel and marked text), joined by a blank line. */
  public static String join(String first, String second) {
    return join(List.of(first == null ? "" : first, second == null ? "" : second));
  }

  private static Split channels(String text) {
    List<String> reasoning = new ArrayList<>();
    String answer = null;
    Matcher message = CHANNEL_MESSAGE.matcher(text);
    int from = 0;
    while (message.find(from)) {
      int stop = text.length();
      Matcher end = CHANNEL_END.matcher(text);
      if (end.find(message.end())) {
        stop = end.start();
      }
      Matcher next = CHANNEL_MESSAGE.matcher(text);
      if (next.find(message.end())) {
        stop = Math.min(stop, next.start());
      }
      String body = text.substring(message.end(), stop);
      if (message.group(1).equals("final")) {
        if (answer != null) {
          reasoning.add(answer);
        }
        answer = body;
      } else {
        reasoning.add(body);
      }
      from = stop;
    }
    if (answer == null) {
      // Channel format without a final message: all of it is analysis, nothing was answered.
      return new Split(join(reasoning), "", true);
    }
    Split inFinal = tags(answer);
    reasoning.add(inFinal.reasoning());
    return new Split(join(reasoning), inFinal.answer(), true);
  }

  private static String join(List<String> parts) {
    List<String> kept = parts.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
    return String.join("\n\n", kept);
  }
}
