package dev.deliberate.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The training seam: a model directory and a dataset in, a new model directory out, progress streamed as it goes. */
public interface Trainer {
  /**
   * Trains from the model in {@code model} on {@code data} and writes the result to {@code out}; resumes from a
   * checkpoint in {@code out} when there is one.
   */
  TrainingResult train(Path model, Path data, Path out, Consumer<String> progress) throws IOException;

  /** What a finished run reports. */
  record TrainingResult(Path dir, int steps, double firstLoss, double lastLoss, Double firstEvalLoss,
      Double lastEvalLoss, long tokens, double tokensPerSecond) {}
}
