package dev.deliberate.model;

import dev.deliberate.data.Message;
import java.util.List;
import java.util.Map;

/**
 * One chat completion request. Optional numeric fields are null when the server default applies; {@code extra}
 * passes server-specific body fields (for example vLLM's {@code top_k}) through unchanged.
 */
public record ChatRequest(
    List<Message> messages,
    int n,
    Double temperature,
    Double topP,
    Integer maxTokens,
    Long seed,
    List<String> stop,
    Map<String, Object> extra) {
  public ChatRequest {
    messages = List.copyOf(messages);
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat request needs at least one message");
    }
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    stop = stop == null ? List.of() : List.copyOf(stop);
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  public static ChatRequest of(List<Message> messages) {
    return new ChatRequest(messages, 1, null, null, null, null, List.of(), Map.of());
  }

  public ChatRequest withN(int newN) {
    return new ChatRequest(messages, newN, temperature, topP, maxTokens, seed, stop, extra);
  }

  public ChatRequest withTemperature(Double newTemperature) {
    return new ChatRequest(messages, n, newTemperature, topP, maxTokens, seed, stop, extra);
  }

  public ChatRequest withMaxTokens(Integer newMaxTokens) {
    return new ChatRequest(messages, n, temperature, topP, newMaxTokens, seed, stop, extra);
  }

  public ChatRequest withSeed(Long newSeed) {
    return new ChatRequest(messages, n, temperature, topP, maxTokens, newSeed, stop, extra);
  }
}
