package dev.deliberate.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Getting all {@code n} choices a request asks for. Servers may ignore {@code n} (llama.cpp's Python server always
 * returns one choice) or return fewer than asked; rather than silently keep fewer, the rest are asked for again,
 * each further request with the seed plus its round (1, 2, ...) when the request has a seed, so that a top-up is a
 * new sample and not a repeat. Extra choices are dropped; the kept ones are numbered 0..n-1 in the order received.
 */
public final class Choices {
  private Choices() {}

  /** The choices of {@code request.n()} samples and the usage of every request made for them. */
  public static ChatResponse collect(ChatModel model, ChatRequest request) {
    return collect(model, request, new ArrayList<>());
  }

  /** The same, adding each request made to {@code sent} (to {@link ChatModel#forget} them when none is usable). */
  public static ChatResponse collect(ChatModel model, ChatRequest request, List<ChatRequest> sent) {
    List<ChatResponse.Choice> got = new ArrayList<>();
    ChatResponse.Usage usage = ChatResponse.Usage.NONE;
    for (int round = 0; got.size() < request.n(); round++) {
      Long seed = request.seed() == null ? null : request.seed() + round;
      ChatRequest next = request.withN(request.n() - got.size()).withSeed(seed);
      sent.add(next);
      ChatResponse response = model.chat(next);
      if (response.choices().isEmpty()) {
        throw new ModelException("model " + model.id() + " returned no choices", true);
      }
      got.addAll(response.choices());
      usage = usage.plus(response.usage());
    }
    List<ChatResponse.Choice> numbered = new ArrayList<>();
    for (int i = 0; i < request.n(); i++) {
      ChatResponse.Choice c = got.get(i);
      numbered.add(new ChatResponse.Choice(i, c.reasoning(), c.content(), c.finishReason()));
    }
    return new ChatResponse(numbered, usage);
  }
}
