package dev.deliberate.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link ReasoningSplitter#split} for a reply that is still being written: told the text so far after every step,
 * it gives the new reasoning and the new answer text, each of which a client can append to what it has. Text that
 * may still be the start of a think tag is held back until the next text shows what it is, and white space at the
 * ends of the answer and of each reasoning part is held until something follows it, so that what has been given
 * always begins what {@code split} gives for the whole text. {@link #finish} gives the rest from {@code split}
 * itself.
 *
 * <p>Two layouts are not read ahead: a closing tag before any opening one makes the text before it reasoning, which
 * a stream has already sent as answer (our chat formats never open the think block in the prompt, so a model
 * writes that only by mistake), and the channel format ({@code <|channel|>}), which our local layouts do not use. {@link #consistent()} is false when the whole text split differently from what
 * was given; {@link #finish} then gives nothing more for the part that differs.
 */
public final class ReasoningStream {
  /** New text: reasoning and answer, each empty when there is none. */
  public record Delta(String reasoning, String content) {
    public boolean isEmpty() {
      return reasoning.isEmpty() && content.isEmpty();
    }
  }

  private String fed = "";
  private int decided;
  private boolean inBlock;
  private final StringBuilder reasoning = new StringBuilder();
  private final StringBuilder content = new StringBuilder();
  private final StringBuilder heldReasoningSpace = new StringBuilder();
  private final StringBuilder heldContentSpace = new StringBuilder();
  private boolean partStarted;
  private int reasoningGiven;
  private int contentGiven;
  private boolean consistent = true;

  /**
   * The new text since the last call, given the whole text so far. A text that does not continue the last one (a
   * decoder that changed its mind) gives nothing until one does.
   */
  public Delta next(String textSoFar) {
    if (textSoFar.startsWith(fed)) {
      fed = textSoFar;
      advance();
    }
    return given();
  }

  /** The rest, from {@link ReasoningSplitter#split} of the whole final text. */
  public Delta finish(String finalText) {
    ReasoningSplitter.Split split = ReasoningSplitter.split(finalText);
    boolean reasoningContinues = split.reasoning().startsWith(reasoning.toString());
    boolean contentContinues = split.answer().startsWith(content.toString());
    consistent = reasoningContinues && contentContinues;
    if (reasoningContinues) {
      reasoning.setLength(0);
      reasoning.append(split.reasoning());
    }
    if (contentContinues) {
      content.setLength(0);
      content.append(split.answer());
    }
    return given();
  }

  /** Whether everything given so far begins what the whole text split into (false only in the case above). */
  public boolean consistent() {
    return consistent;
  }

  private void advance() {
    while (true) {
      Pattern tag = inBlock ? ReasoningSplitter.CLOSE : ReasoningSplitter.OPEN;
      Matcher m = tag.matcher(fed);
      m.region(decided, fed.length());
      if (m.find()) {
        take(fed.substring(decided, m.start()));
        decided = m.end();
        inBlock = !inBlock;
        partStarted = false;
        heldReasoningSpace.setLength(0);
        continue;
      }
      int hold = possibleTagStart(tag);
      take(fed.substring(decided, hold));
      decided = hold;
      return;
    }
  }

  /** Where a tag may begin that the text so far has not finished (the text's length when none may). */
  private int possibleTagStart(Pattern tag) {
    Matcher m = tag.matcher(fed);
    for (int i = fed.indexOf('<', decided); i >= 0; i = fed.indexOf('<', i + 1)) {
      m.region(i, fed.length());
      if (!m.lookingAt() && m.hitEnd()) {
        return i;
      }
    }
    return fed.length();
  }

  private void take(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean space = Character.isWhitespace(c);
      if (inBlock) {
        if (space) {
          if (partStarted) {
            heldReasoningSpace.append(c);
          }
          continue;
        }
        if (!partStarted && !reasoning.isEmpty()) {
          reasoning.append("\n\n");
        }
        partStarted = true;
        reasoning.append(heldReasoningSpace).append(c);
        heldReasoningSpace.setLength(0);
      } else {
        if (space) {
          if (!content.isEmpty()) {
            heldContentSpace.append(c);
          }
          continue;
        }
        content.append(heldContentSpace).append(c);
        heldContentSpace.setLength(0);
      }
    }
  }

  private Delta given() {
    Delta d = new Delta(reasoning.substring(reasoningGiven), content.substring(contentGiven));
    reasoningGiven = reasoning.length();
    contentGiven = content.length();
    return d;
  }
}
