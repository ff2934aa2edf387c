package dev.deliberate.eval;

import dev.deliberate.data.Prompt;

/** Where answers come from: a model, or a file of answers a model already gave. */
public interface Answerer {
  /** The answering model's id. */
  String id();

  /**
   * Everything the answer to {@code prompt} depends on (the model, its weights when they can change under one
   * id, the exact request): an answer already made with the same key is reused, a changed key asks again.
   */
  String key(Prompt prompt);

  /** The answer to one prompt (its id is set by the caller); throws, with the reason, when there is none. */
  Answer answer(String suite, Prompt prompt) throws Exception;
}
