package dev.deliberate.serve;

import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import java.util.Map;

/**
 * What answers the chat completions server's requests: a model on this machine, or the gateway in front of another
 * model. Implementations are thread-safe; a failed call throws {@link dev.deliberate.model.ModelException}.
 */
public interface ChatService {
  /**
   * The choices for one request.
   *
   * @param requestId the id the reply carries, for logs
   * @param metadata the request's {@code metadata} strings (empty when it had none)
   */
  ChatResponse complete(String requestId, ChatRequest request, Map<String, String> metadata);
}
