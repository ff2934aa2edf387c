package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.training.GrpoTrainer;
import dev.deliberate.engine.training.JudgeReward;
import dev.deliberate.judge.Judge;
import dev.deliberate.judge.Judges;
import dev.deliberate.judge.ReferenceJudge;
import dev.deliberate.judge.SpecJudge;
import dev.deliberate.pipeline.PipelineConfig;
import dev.deliberate.pipeline.StageModels;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.Style;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "rl",
    mixinStandardHelpOptions = true,
    sortOptions = false,
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
          + "while training (rerunning the same command resumes), then the model and training.json."
    })
final class TrainRlCommand extends StageCommand {
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

  @Option(names = "--judge", defaultValue = "reference", paramLabel = "MODEL",
      description = "Judge model string: reference (offline, rule-based), openai:NAME or http(s)://HOST:PORT/v1#NAME "
          + "(default: ${DEFAULT-VALUE}).")
  String judge;

  @Option(names = "--judge-api-key-env", paramLabel = "VAR", description = "Environment variable with the judge's API key.")
  String judgeApiKeyEnv;

  @Option(names = "--judge-attempts", defaultValue = "3", paramLabel = "N",
      description = "Requests per judgment when a model judge's reply is malformed (default: ${DEFAULT-VALUE}).")
  int judgeAttempts;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output model directory.")
  Path out;

  @Option(names = "--steps", defaultValue = "100", paramLabel = "N", description = "Sampling rounds (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--prompts-per-step", defaultValue = "4", paramLabel = "P", description = "Prompts per round (default: ${DEFAULT-VALUE}).")
  int promptsPerStep;

  @Option(names = "--group", defaultValue = "4", paramLabel = "G", description = "Answers per prompt, at least 2 (default: ${DEFAULT-VALUE}).")
  int group;

  @Option(names = "--lr", defaultValue = "1e-5", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--warmup-steps", defaultValue = "0", paramLabel = "N", description = "Linear warm-up rounds (default: ${DEFAULT-VALUE}).")
  int warmupSteps;

  @Option(names = "--weight-decay", defaultValue = "0.0", description = "AdamW decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--grad-clip", defaultValue = "1.0", description = "Global gradient-norm clip (default: ${DEFAULT-VALUE}).")
  double gradClip;

  @Option(names = "--kl-coef", defaultValue = "0.04", description = "Weight of the KL penalty (default: ${DEFAULT-VALUE}).")
  double klCoef;

  @Option(names = "--clip", defaultValue = "0.2", paramLabel = "EPS",
      description = "Importance ratio clip: [1 - EPS, 1 + EPS] (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--updates", defaultValue = "1", paramLabel = "N",
      description = "Optimizer steps per sampled batch; above 1 the clip matters (default: ${DEFAULT-VALUE}).")
  int updates;

  @Option(names = "--micro-batch", defaultValue = "8", paramLabel = "N", description = "Answers per forward pass (default: ${DEFAULT-VALUE}).")
  int microBatch;

  @Option(names = "--max-new-tokens", defaultValue = "128", paramLabel = "N", description = "Token budget per answer (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature, > 0 (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--format-reward", defaultValue = "0.1",
      description = "Bonus for a well-formed <think>...</think> then an answer; 0 = off (default: ${DEFAULT-VALUE}).")
  double formatReward;

  @Option(names = "--eval-every", defaultValue = "10", paramLabel = "N", description = "Rounds between evaluations (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--probe", defaultValue = "16", paramLabel = "N",
      description = "Training prompts answered greedily at each evaluation (default: ${DEFAULT-VALUE}).")
  int probe;

  @Option(names = "--checkpoint-every", defaultValue = "10", paramLabel = "N", description = "Rounds between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of prompt order and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  protected int run() throws Exception {
    GrpoTrainer.Settings settings;
    try {
      settings = new GrpoTrainer.Settings(steps, promptsPerStep, group, lr, warmupSteps, weightDecay, gradClip, clip,
          klCoef, updates, microBatch, maxNewTokens, temperature, topP, formatReward, evalEvery, probe,
          checkpointEvery, seed);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    Consumer<String> progress = line -> {
      err().println(line);
      err().flush();
    };
    Spec spec = spec();
    List<Prompt> train = Prompts.readAll(prompts);
    List<Prompt> heldOut = evalPrompts == null ? List.of() : Prompts.readAll(evalPrompts);
    if (train.isEmpty()) {
      throw new BadInputException(prompts + ": no prompts");
    }
    if (train.stream().noneMatch(p -> p.expected() == Style.COMPLY)) {
      progress.accept("warning: no training prompt expects comply; nothing punishes refusing everything");
    }
    Path modelDir = ModelDirs.resolve(model, progress);
    Path referenceDir = reference == null ? modelDir : ModelDirs.resolve(reference, progress);
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("model", modelDir.toAbsolutePath().toString());
    provenance.put("reference", referenceDir.toAbsolutePath().toString());
    provenance.put("prompts", prompts.toAbsolutePath().toString());
    provenance.put("prompts_sha256", Hashes.sha256Hex(Files.readAllBytes(prompts)));
    if (evalPrompts != null) {
      provenance.put("eval_prompts", evalPrompts.toAbsolutePath().toString());
      provenance.put("eval_prompts_sha256", Hashes.sha256Hex(Files.readAllBytes(evalPrompts)));
    }
    provenance.put("spec_hash", spec.hash());
    provenance.put("judge", judge);
    GrpoTrainer.Result result;
    try (StageModels models = Judges.isReference(judge) ? null : models(run(out));
        LocalModel policy = LocalModel.open(modelDir);
        LocalModel frozen = LocalModel.open(referenceDir)) {
      JudgeReward reward = new JudgeReward(judge(spec, models), spec, formatReward);
      result = new GrpoTrainer(settings).train(policy, frozen, train, heldOut, reward, out, provenance, progress);
      if (models != null) {
        printUsage(models);
      }
    }
    out().printf("wrote %s: %d rounds, mean reward %.3f -> %.3f, KL %.4f%s%s%n", result.dir(), result.steps(),
        result.firstMeanReward(), result.lastMeanReward(), result.lastKl(),
        describe("greedy on training prompts", result.firstProbe(), result.lastProbe()),
        describe("held out", result.firstHeldOut(), result.lastHeldOut()));
    return ExitCode.OK;
  }

  private Judge judge(Spec spec, StageModels models) {
    if (models == null) {
      return new ReferenceJudge(spec);
    }
    PipelineConfig.ModelSettings settings;
    try {
      settings = PipelineConfig.ModelSettings.of(judge, judgeApiKeyEnv, 1, null, null, 1);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--judge: " + e.getMessage());
    }
    return Judges.create(judge, spec, m -> models.model(settings),
        new SpecJudge.Options(judgeAttempts, 0.0, null, seed, true)).apply(0);
  }

  private static String describe(String what, GrpoTrainer.Evaluation first, GrpoTrainer.Evaluation last) {
    if (last == null) {
      return "";
    }
    String refusal = last.benign() == 0 ? "" : String.format(", benign refusal %s -> %.3f",
        first == null ? "?" : String.format("%.3f", first.benignRefusalRate()), last.benignRefusalRate());
    return String.format("; %s: reward %s -> %.3f%s", what,
        first == null ? "?" : String.format("%.3f", first.meanReward()), last.meanReward(), refusal);
  }
}
