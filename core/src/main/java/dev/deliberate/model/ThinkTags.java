package dev.deliberate.model;

/**
 * Splits reasoning written inline as {@code <think>...</think>} from the answer. Chat templates of some reasoning
 * models put the opening tag in the prompt, so a reply may start mid-thought and only close the tag; a reply cut
 * off by the token limit may open the tag and never close it.
 */
public final class ThinkTags {
  private static final String OPEN = "<think>";
  private static final String CLOSE = "</think>";

  private ThinkTags() {}

  /** The reasoning and the answer of {@code content}; reasoning is empty when there was no tag. */
  public static Split split(String content) {
    int close = content.indexOf(CLOSE);
    int open = content.indexOf(OPEN);
    if (close >= 0 && (open < 0 || open < close)) {
      int start = open >= 0 ? open + OPEN.length() : 0;
      String before = open > 0 ? content.substring(0, open) : "";
      return new Split(content.substring(start, close).strip(), (before + content.substring(close + CLOSE.length())).strip());
    }
    if (open >= 0) {
      return new Split(content.substring(open + OPEN.length()).strip(), content.substring(0, open).strip());
    }
    return new Split("", content);
  }

  public record Split(String reasoning, String content) {}
}
