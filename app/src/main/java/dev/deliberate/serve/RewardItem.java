package dev.deliberate.serve;

import dev.deliberate.data.Message;
import dev.deliberate.spec.Style;
import java.util.List;
import java.util.Objects;

/**
 * One response to score, as read from a request.
 *
 * @param messages the prompt the policy answered (one user message when the client sent plain text)
 * @param response the policy's whole response text, reasoning included; the scorer cuts the reasoning
 * @param category the spec anchor of the prompt's category, or null when the request left it empty (the scorer then
 *     classifies the prompt)
 * @param expected the behaviour the prompt's label asks for, or null to use the category's default style
 */
public record RewardItem(List<Message> messages, String response, String category, Style expected) {
  public RewardItem {
    messages = List.copyOf(messages);
    Objects.requireNonNull(response, "response");
  }
}
