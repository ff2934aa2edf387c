package dev.deliberate.serve;

import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A {@link ChatService} that can tell each choice's text while it is being written (a model on this machine), so
 * that a streamed reply goes out token by token.
 */
public interface StreamingChatService extends ChatService {
  /** Told after every token of a choice: its text so far, or its final text once {@code finished}. */
  @FunctionalInterface
  interface ChoiceText {
    void text(int choice, String textSoFar, boolean finished);
  }

  /** The choices for one request, as {@link #complete}, telling {@code listener} their text as it grows. */
  ChatResponse completeStreaming(String requestId, ChatRequest request, Map<String, String> metadata,
      ChoiceText listener);

  /** Whole replies from {@code whole}, streamed ones from {@code live} (the request alone, not batched). */
  static StreamingChatService of(ChatService whole, BiFunction<ChatRequest, ChoiceText, ChatResponse> live) {
    return new StreamingChatService() {
      @Override
      public ChatResponse complete(String requestId, ChatRequest request, Map<String, String> metadata) {
        return whole.complete(requestId, request, metadata);
      }

      @Override
      public ChatResponse completeStreaming(String requestId, ChatRequest request, Map<String, String> metadata,
          ChoiceText listener) {
        return live.apply(request, listener);
      }
    };
  }
}
