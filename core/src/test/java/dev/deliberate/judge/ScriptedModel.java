package dev.deliberate.judge;

import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A model at the edge of the system that replies with scripted text, in order, and records what it was sent.
 * The reply {@code FAIL} stands for a server error (a retriable failure); running out of script is a test bug.
 */
final class ScriptedModel implements ChatModel {
  private final Deque<String> replies;
  final List<ChatRequest> requests = new ArrayList<>();

  ScriptedModel(String... replies) {
    this.replies = new ArrayDeque<>(List.of(replies));
  }

  @Override
  public String id() {
    return "scripted";
  }

  @Override
  public synchronized ChatResponse chat(ChatRequest request) {
    requests.add(request);
    String reply = replies.poll();
    if (reply == null) {
      throw new ModelException("script exhausted", false);
    }
    if (reply.equals("FAIL")) {
      throw new ModelException("503 from server", true);
    }
    return new ChatResponse(List.of(new ChatResponse.Choice(0, "", reply, "stop")), ChatResponse.Usage.NONE);
  }
}
