package dev.deliberate.eval;

import dev.deliberate.data.Prompt;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import dev.deliberate.model.ReasoningSplitter;

/**
 * Asks a {@link ChatModel} each prompt as-is, greedily (temperature 0, fixed seed), so a rerun asks the same
 * question and a response cache can answer it.
 */
public final class ModelAnswerer implements Answerer {
  private final ChatModel model;
  private final long seed;
  private final Integer maxTokens;

  public ModelAnswerer(ChatModel model, long seed, Integer maxTokens) {
    this.model = model;
    this.seed = seed;
    this.maxTokens = maxTokens;
  }

  @Override
  public String id() {
    return model.id();
  }

  @Override
  public Answer answer(String suite, Prompt prompt) {
    ChatRequest request = ChatRequest.of(prompt.messages()).withTemperature(0.0).withSeed(seed).withMaxTokens(maxTokens);
    try {
      ChatResponse response = model.chat(request);
      if (response.choices().isEmpty()) {
        return new Answer(null, suite, id(), prompt, "", "", "the model returned no choices");
      }
      ChatResponse.Choice choice = response.choices().get(0);
      // Grade only what a user is shown: a reasoning block left in the content is reasoning, not answer.
      ReasoningSplitter.Split split = ReasoningSplitter.split(choice.content());
      return new Answer(null, suite, id(), prompt, ReasoningSplitter.join(choice.reasoning(), split.reasoning()),
          split.answer(), null);
    } catch (ModelException e) {
      return new Answer(null, suite, id(), prompt, "", "", "model call failed: " + e.getMessage());
    }
  }
}
