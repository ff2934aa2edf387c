package dev.deliberate.engine.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Training from files to files: a model directory and a dataset in, a new model directory out, progress streamed as it
 * goes. (The pipeline's seam to the engine is {@code dev.deliberate.pipeline.Trainer}, filled by {@link EngineTrainer}; only {@link SftTrainer}
 * implements this one.)
 */
public interface DirectoryTrainer {
  /**
   * Trains from the model in {@code model} on {@code data} and writes the result to {@code out}; resumes from a
   * checkpoint in {@code out} when there is one.
   */
  TrainingResult train(Path model, Path data, Path out, Consumer<String> progress) throws IOException;

  /** What a finished run reports. */
  record TrainingResult(Path dir, int steps, double firstLoss, double lastLoss, Double firstEvalLoss,
      Double lastEvalLoss, long tokens, double tokensPerSecond) {}
}
