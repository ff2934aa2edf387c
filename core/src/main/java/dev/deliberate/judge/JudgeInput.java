package dev.deliberate.judge;

import dev.deliberate.data.Prompt;
import java.util.Objects;

/**
 * What a judge sees. {@code chainOfThought} is null when the judge must not see it (RL reward, evaluation):
 * stages strip it before building the input, so no judge can peek.
 *
 * @param specExcerpt spec(category): the text the judge holds the answer against
 * @param prompt the prompt as the model saw it, with its labels
 * @param chainOfThought the model's reasoning, or null when hidden from the judge
 * @param answer the final answer under judgment
 * @param labelHint optional "another system labelled the ideal action as X" hint, or null
 */
public record JudgeInput(String specExcerpt, Prompt prompt, String chainOfThought, String answer, String labelHint) {
  public JudgeInput {
    Objects.requireNonNull(specExcerpt, "specExcerpt");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(answer, "answer");
  }

  public boolean seesChainOfThought() {
    return chainOfThought != null;
  }
}
