package dev.deliberate.eval;

import dev.deliberate.data.Prompt;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import dev.deliberate.model.ReasoningSplitter;
import dev.deliberate.run.ResponseCache;

/**
 * Asks a {@link ChatModel} each prompt as-is, greedily (temperature 0, fixed seed), so a rerun asks the same
 * question and a response cache can answer it. A failed call throws; the evaluation records it as a failed answer.
 */
public final class ModelAnswerer implements Answerer {
  private final String id;
  private final ChatModel model;
  private final long seed;
  private final Integer maxTokens;
  private final String weights;

  /**
   * @param weights a fingerprint of the model's weights when they can change under the same id (a local
   *     directory trained again), else empty
   */
  public ModelAnswerer(ChatModel model, long seed, Integer maxTokens, String weights) {
    this(model.id(), model, seed, maxTokens, weights);
  }

  private ModelAnswerer(String id, ChatModel model, long seed, Integer maxTokens, String weights) {
    this.id = id;
    this.model = model;
    this.seed = seed;
    this.maxTokens = maxTokens;
    this.weights = weights == null ? "" : weights;
  }

  public ModelAnswerer(ChatModel model, long seed, Integer maxTokens) {
    this(model, seed, maxTokens, "");
  }

  /** The same answerer reporting {@code newId} as the model's id (a name the reader knows, e.g. "sft"). */
  public ModelAnswerer named(String newId) {
    return new ModelAnswerer(newId, model, seed, maxTokens, weights);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String key(Prompt prompt) {
    return "model\n" + weights + "\n" + ResponseCache.key(model.id(), request(prompt), 0);
  }

  private ChatRequest request(Prompt prompt) {
    return ChatRequest.of(prompt.messages()).withTemperature(0.0).withSeed(seed).withMaxTokens(maxTokens);
  }

  @Override
  public Answer answer(String suite, Prompt prompt) {
    ChatResponse response = model.chat(request(prompt));
    if (response.choices().isEmpty()) {
      throw new ModelException(model.id() + ": the model returned no choices", false, null);
    }
    ChatResponse.Choice choice = response.choices().get(0);
    // Grade only what a user is shown: a reasoning block left in the content is reasoning, not answer.
    ReasoningSplitter.Split split = ReasoningSplitter.split(choice.content());
    return new Answer(null, suite, id(), prompt, ReasoningSplitter.join(choice.reasoning(), split.reasoning()),
        split.answer());
  }
}
