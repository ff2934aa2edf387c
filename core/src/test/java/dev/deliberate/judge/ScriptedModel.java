package dev.deliberate.judge;

import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A model at the edge of the system that replies with scripted text, in order, and records what it was sent. */
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
    return new ChatResponse(List.of(new ChatResponse.Choice(0, "", reply, "stop")), ChatResponse.Usage.NONE);
  }
}
