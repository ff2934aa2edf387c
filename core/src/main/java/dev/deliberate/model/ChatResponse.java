package dev.deliberate.model;

import java.util.List;

/** The choices a model returned for one request, and the tokens it counted. */
public record ChatResponse(List<Choice> choices, Usage usage) {
  public ChatResponse {
    choices = List.copyOf(choices);
  }

  /**
   * One sampled completion. {@code reasoning} is the chain of thought kept apart from the answer in
   * {@code content}; it is empty when the model wrote none.
   */
  public record Choice(int index, String reasoning, String content, String finishReason) {
    public Choice {
      reasoning = reasoning == null ? "" : reasoning;
      content = content == null ? "" : content;
    }
  }

  public record Usage(long promptTokens, long completionTokens) {
    public static final Usage NONE = new Usage(0, 0);

    public Usage plus(Usage other) {
      return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
    }

    public long totalTokens() {
      return promptTokens + completionTokens;
    }
  }
}
