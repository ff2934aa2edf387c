package dev.deliberate.app;

import dev.deliberate.run.ModelSettings;
import dev.deliberate.BadInputException;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.engine.training.EngineTrainer;
import dev.deliberate.eval.Suites;
import dev.deliberate.judge.Judge;
import dev.deliberate.judge.Judges;
import dev.deliberate.judge.ReferenceJudge;
import dev.deliberate.judge.SpecJudge;
import dev.deliberate.pipeline.PipelineConfig;
import dev.deliberate.run.StageModels;
import dev.deliberate.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

@Command(
    name = "rl",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    defaultValueProvider = TrainRlCommand.Defaults.class,
    description = {
      "Reinforcement learning (GRPO) of a local model with the spec judge as reward; writes a new model directory.",
      "",
      "Each round samples --group answers to each of --prompts-per-step prompts, has the judge score each final "
          + "answer against spec(category) with the chain of thought cut out first (the judge never sees it), "
          + "normalises rewards within each group, and updates the policy on the clipped surrogate minus "
          + "--kl-coef x KL to the frozen reference (the starting model), averaged over the generated tokens.",
      "",
      "PROMPTS is prompt JSONL (as 'data import' or the pipeline write it) with category and expected behaviour. "
          + "Include benign prompts (expected comply, e.g. XSTest's safe ones): refusing them scores low, which is "
          + "what keeps the policy from learning to refuse everything.",
      "",
      "OUT receives metrics.jsonl (per round: mean reward, judge score by category and by expected behaviour, KL, "
          + "answer length, refusal rate on benign prompts; greedy probe and held-out evaluations every "
          + "--eval-every rounds), samples.jsonl (every answer, what the judge saw, its verdict), checkpoints "
          + "while training (rerunning the same command resumes), then the model and training.json.",
      "",
      "Every option below except --out, --spec and --run is a field of a pipeline file's rl section, with the same"
          + " default."
    })
final class TrainRlCommand extends StageCommand {
  /** The defaults shown in --help are the RL job's own. */
  static final class Defaults extends JobOptions<PipelineConfig.Rl> {
    Defaults() {
      super(PipelineConfig.Rl.class, Map.of());
    }
  }

  @picocli.CommandLine.Spec CommandSpec commandSpec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "The SFT model to improve: a model directory, local:DIR, or tiny.")
  String model;

  @Option(names = "--reference", paramLabel = "DIR", description = "Frozen model of the KL penalty (default: --model).")
  String reference;

  @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "Training prompts (JSONL).")
  Path prompts;

  @Option(names = "--eval-prompts", paramLabel = "FILE",
      description = "Held-out prompts, only evaluated (greedy answers: reward and benign refusal rate).")
  Path evalPrompts;

  @Option(names = "--eval-limit", paramLabel = "N",
      description = "At most N held-out prompts, spread over them; 0 = all (default: ${DEFAULT-VALUE}).")
  Integer evalLimit;

  @Option(names = "--judge", paramLabel = "MODEL",
      description = "Judge model string: reference (offline, rule-based), openai:NAME or http(s)://HOST:PORT/v1#NAME "
          + "(default: ${DEFAULT-VALUE}).")
  String judge;

  @Option(names = "--judge-api-key-env", paramLabel = "VAR", description = "Environment variable with the judge's API key.")
  String judgeApiKeyEnv;

  @Option(names = "--judge-attempts", paramLabel = "N",
      description = "Requests per judgment when a model judge's reply is malformed (default: ${DEFAULT-VALUE}).")
  Integer judgeAttempts;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output model directory.")
  Path out;

  @Option(names = "--steps", paramLabel = "N", description = "Sampling rounds (default: ${DEFAULT-VALUE}).")
  Integer steps;

  @Option(names = "--prompts-per-step", paramLabel = "P", description = "Prompts per round (default: ${DEFAULT-VALUE}).")
  Integer promptsPerStep;

  @Option(names = "--group", paramLabel = "G", description = "Answers per prompt, at least 2 (default: ${DEFAULT-VALUE}).")
  Integer group;

  @Option(names = "--lr", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  Double lr;

  @Option(names = "--warmup-steps", paramLabel = "N", description = "Linear warm-up rounds (default: ${DEFAULT-VALUE}).")
  Integer warmupSteps;

  @Option(names = "--weight-decay", description = "AdamW decay (default: ${DEFAULT-VALUE}).")
  Double weightDecay;

  @Option(names = "--grad-clip", description = "Global gradient-norm clip (default: ${DEFAULT-VALUE}).")
  Double gradClip;

  @Option(names = "--kl-coef", description = "Weight of the KL penalty (default: ${DEFAULT-VALUE}).")
  Double klCoef;

  @Option(names = "--clip", paramLabel = "EPS",
      description = "Importance ratio clip: [1 - EPS, 1 + EPS] (default: ${DEFAULT-VALUE}).")
  Double clip;

  @Option(names = "--updates", paramLabel = "N",
      description = "Optimizer steps per sampled batch; above 1 the clip matters (default: ${DEFAULT-VALUE}).")
  Integer updates;

  @Option(names = "--micro-batch", paramLabel = "N", description = "Answers per forward pass (default: ${DEFAULT-VALUE}).")
  Integer microBatch;

  @Option(names = "--max-new-tokens", paramLabel = "N", description = "Token budget per answer (default: ${DEFAULT-VALUE}).")
  Integer maxNewTokens;

  @Option(names = "--temperature", description = "Sampling temperature, > 0 (default: ${DEFAULT-VALUE}).")
  Double temperature;

  @Option(names = "--top-p", description = "Nucleus sampling (default: ${DEFAULT-VALUE}).")
  Double topP;

  @Option(names = "--format-reward",
      description = "Bonus for a well-formed <think>...</think> then an answer; 0 = off (default: ${DEFAULT-VALUE}).")
  Double formatReward;

  @Option(names = "--eval-every", paramLabel = "N", description = "Rounds between evaluations (default: ${DEFAULT-VALUE}).")
  Integer evalEvery;

  @Option(names = "--probe", paramLabel = "N",
      description = "Training prompts answered greedily at each evaluation (default: ${DEFAULT-VALUE}).")
  Integer probe;

  @Option(names = "--checkpoint-every", paramLabel = "N", description = "Rounds between checkpoints (default: ${DEFAULT-VALUE}).")
  Integer checkpointEvery;

  @Option(names = "--keep", paramLabel = "last|best",
      description = "Which weights to write: the last round's, or those whose greedy answers to --eval-prompts scored"
          + " best (the starting model's included; evaluated every --eval-every rounds) (default: ${DEFAULT-VALUE}).")
  String keep;

  @Mixin SeedOption seedOption;

  @Override
  protected int run() throws Exception {
    PipelineConfig.Rl job = new Defaults().job(commandSpec, "train rl");
    Consumer<String> progress = line -> {
      err().println(line);
      err().flush();
    };
    Spec spec = spec();
    List<Prompt> train = Prompts.readAll(prompts);
    List<Prompt> heldOut = evalPrompts == null ? List.of() : Prompts.readAll(evalPrompts);
    if (job.evalLimit() > 0) {
      heldOut = Suites.spread(heldOut, job.evalLimit());
    }
    if (train.isEmpty()) {
      throw new BadInputException(prompts + ": no prompts");
    }
    String summary;
    try (StageModels models = Judges.isReference(job.judge()) ? null : models(run(out))) {
      Judge theJudge = models == null ? new ReferenceJudge(spec) : Judges.create(job.judge(), spec,
          m -> models.model(judgeSettings(job)), new SpecJudge.Options(job.judgeAttempts(), 0.0, null,
              job.seed(), true)).apply(0);
      summary = new EngineTrainer().rl(job, model, train, heldOut, theJudge, spec, out, progress);
      if (models != null) {
        printUsage(models);
      }
    }
    out().printf("wrote %s: %s%n", out, summary);
    return ExitCode.OK;
  }

  private static ModelSettings judgeSettings(PipelineConfig.Rl job) {
    try {
      return job.judgeSettings();
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--judge: " + e.getMessage());
    }
  }
}
