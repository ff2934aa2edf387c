package dev.deliberate.pipeline;

import dev.deliberate.run.StageModels;
import dev.deliberate.run.ModelSettings;
import dev.deliberate.Hashes;
import dev.deliberate.attack.ModelAttack;
import dev.deliberate.eval.Answerer;
import dev.deliberate.eval.AttackingAnswerer;
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
 * grader is built the same way with {@code grading}, and so are the attacker and translator of model-driven attacks
 * and the multilingual suite ({@link AttackingAnswerer}). The {@link Evaluation} runs on the stage executor.
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
   * @param attacks the model-driven attacks the prompts name (see {@link AttackingAnswerer#pending})
   * @param attacker how to call the attacker, or null when no prompt needs one
   * @param translator how to call the multilingual suite's translator, or null when there is none
   */
  public record Job(String name, Path dir, ModelSettings answering, String grader,
      ModelSettings grading, Integer maxTokens, long seed, List<Evaluation.SuitePrompt> prompts,
      List<ModelAttack> attacks, ModelSettings attacker, ModelSettings translator) {
    public Job {
      attacks = attacks == null ? List.of() : List.copyOf(attacks);
    }

    /** An evaluation with no model-driven attack and no translation. */
    public Job(String name, Path dir, ModelSettings answering, String grader, ModelSettings grading, Integer maxTokens,
        long seed, List<Evaluation.SuitePrompt> prompts) {
      this(name, dir, answering, grader, grading, maxTokens, seed, prompts, List.of(), null, null);
    }

    ModelAnswerer named(ModelAnswerer answerer) {
      return name == null ? answerer : answerer.named(name);
    }

    /** The target's answerer, wrapped to write model-driven attacks and translations first where prompts ask. */
    Answerer answerer(ModelAnswerer target, StageModels models, Grader grader) {
      ModelAnswerer named = named(target);
      if (prompts.stream().noneMatch(p -> AttackingAnswerer.isPending(p.prompt()))) {
        return named;
      }
      return new AttackingAnswerer(named, attacks, attacker == null ? null : models.model(attacker),
          translator == null ? null : models.model(translator), grader);
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
      return evaluation.run(job.prompts(), job.answerer(new ModelAnswerer(models.model(job.answering()), job.seed(),
          job.maxTokens()), models, grader));
    }
    try (StageModels.Local local = models.local(job.answering())) {
      return evaluation.run(job.prompts(), job.answerer(new ModelAnswerer(local.model(), job.seed(), job.maxTokens(),
          weights(model)), models, grader));
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
