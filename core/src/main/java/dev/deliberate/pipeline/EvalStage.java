package dev.deliberate.pipeline;

import dev.deliberate.run.StageModels;
import dev.deliberate.run.ModelSettings;
import dev.deliberate.Hashes;
import dev.deliberate.eval.Evaluation;
import dev.deliberate.eval.ModelAnswerer;
import dev.deliberate.judge.Grader;
import dev.deliberate.judge.Graders;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Evaluates one model: the one path of {@code deliberate eval} and the pipeline's eval stage. Models come from the
 * stage's {@link StageModels} (response cache, retries, accounting): a remote model answers
 * {@code answering.concurrency()} prompts at once, a local one ({@code local:DIR}) in batches of that size; a model
 * grader is built the same way with {@code grading}. The {@link Evaluation} runs on the stage executor.
 */
public final class EvalStage {
  private EvalStage() {}

  /**
   * One model's evaluation.
   *
   * @param name the model's name in the results (the metrics' {@code model}), or null for the model's id
   * @param dir the eval directory ({@code answers.jsonl}, {@code grades.jsonl}, {@code metrics.json})
   * @param answering the answering model and how to call it
   * @param grader {@code reference}, {@code string-match} or a model string
   * @param grading how to call a model grader (its model field is ignored)
   * @param maxTokens the longest answer to ask for, or null for the model's default
   * @param seed the answering and bootstrap seed
   */
  public record Job(String name, Path dir, ModelSettings answering, String grader,
      ModelSettings grading, Integer maxTokens, long seed, List<Evaluation.SuitePrompt> prompts) {
    ModelAnswerer named(ModelAnswerer answerer) {
      return name == null ? answerer : answerer.named(name);
    }
  }

  public static Evaluation.Result run(Job job, StageModels models, PrintWriter log) {
    String model = job.answering().model();
    Grader grader = Graders.named(job.grader(), m -> models.model(ModelSettings.of(m,
        job.grading().apiKeyEnv(), job.grading().concurrency(), job.grading().timeoutSeconds(),
        job.grading().maxRetries(), job.grading().concurrency())));
    // Grading runs as wide as its model allows; the offline graders are CPU-bound.
    Evaluation evaluation = new Evaluation(job.dir(), grader, job.seed(), job.answering().concurrency(), log);
    if (!StageModels.isLocal(model)) {
      return evaluation.run(job.prompts(), job.named(new ModelAnswerer(models.model(job.answering()), job.seed(),
          job.maxTokens())));
    }
    try (StageModels.Local local = models.local(job.answering())) {
      return evaluation.run(job.prompts(), job.named(new ModelAnswerer(local.model(), job.seed(), job.maxTokens(),
          weights(model))));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot close " + model + ": " + e.getMessage(), e);
    }
  }

  /**
   * A fingerprint of a local model directory's weights, so that its answers are asked again when it is trained
   * again under the same id: the hash of its {@code training.json} when there is one (written last by our
   * trainers), else of its files' names, sizes and modification times; empty for a built-in name such as
   * {@code local:tiny}.
   */
  static String weights(String model) {
    Path dir = Path.of(model.substring("local:".length()));
    if (!Files.isDirectory(dir)) {
      return "";
    }
    try {
      Path training = dir.resolve("training.json");
      if (Files.isRegularFile(training)) {
        return Hashes.sha256Hex(Files.readAllBytes(training));
      }
      StringBuilder listing = new StringBuilder();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          listing.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
              .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
        }
      }
      return Hashes.sha256Hex(listing.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
    }
  }
}
