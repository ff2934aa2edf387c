package dev.deliberate.eval;

import dev.deliberate.data.Prompt;

/** Where answers come from: a model, or a file of answers a model already gave. */
public interface Answerer {
  /** The answering model's id; answers' ids derive from it. */
  String id();

  /** The answer to one prompt; a failure is an {@link Answer} with its reason, never an exception. */
  Answer answer(String suite, Prompt prompt);
}
