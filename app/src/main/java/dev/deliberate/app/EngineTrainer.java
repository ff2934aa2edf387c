package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.training.GrpoTrainer;
import dev.deliberate.engine.training.JudgeReward;
import dev.deliberate.engine.training.SftTrainer;
import dev.deliberate.judge.Judge;
import dev.deliberate.pipeline.PipelineConfig;
import dev.deliberate.pipeline.Trainer;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.Style;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The pipeline's {@link Trainer} on the local engine: {@link SftTrainer} and {@link GrpoTrainer}, as 'train' runs them. */
final class EngineTrainer implements Trainer {
  @Override
  public String sft(PipelineConfig.Sft s, String model, Path data, Path out, Consumer<String> progress) {
    SftTrainer.Settings settings;
    try {
      settings = new SftTrainer.Settings(s.epochs(), s.steps(), s.lr(), s.warmup(), 0.1, 0.01, 1.0, s.batch(),
          s.gradAccum(), s.maxLength(), s.evalFraction(), 50, s.checkpointEvery(), 10, s.seed() == null ? 0 : s.seed());
    } catch (IllegalArgumentException e) {
      throw new BadInputException("sft: " + e.getMessage());
    }
    try {
      var result = new SftTrainer(settings).train(ModelDirs.resolve(model, progress), data, out, progress);
      return String.format("%d steps, loss %.4f -> %.4f", result.steps(), result.firstLoss(), result.lastLoss());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String rl(PipelineConfig.Rl s, String model, List<Prompt> prompts, List<Prompt> heldOut, Judge judge,
      Spec spec, Path out, Consumer<String> progress) {
    GrpoTrainer.Settings settings;
    try {
      settings = GrpoTrainer.Settings.DEFAULT.withSteps(s.steps()).withGroup(s.promptsPerStep(), s.group())
          .withOptimizer(s.lr(), 0, 0.0, 1.0).withObjective(s.clip(), s.klCoef(), 1, s.formatReward())
          .withSampling(s.maxNewTokens(), s.temperature(), 1.0, 8)
          .withEvery(s.evalEvery(), GrpoTrainer.Settings.DEFAULT.probePrompts(), s.checkpointEvery())
          .withSeed(s.seed() == null ? 0 : s.seed());
    } catch (IllegalArgumentException e) {
      throw new BadInputException("rl: " + e.getMessage());
    }
    if (prompts.isEmpty()) {
      throw new BadInputException("rl.prompts: no prompts to train on");
    }
    if (prompts.stream().noneMatch(p -> p.expected() == Style.COMPLY)) {
      progress.accept("warning: no training prompt expects comply; nothing punishes refusing everything");
    }
    try {
      Path modelDir = ModelDirs.resolve(model, progress);
      Map<String, Object> provenance = new LinkedHashMap<>();
      provenance.put("model", modelDir.toAbsolutePath().toString());
      provenance.put("reference", modelDir.toAbsolutePath().toString());
      provenance.put("prompts_sha256", Hashes.sha256Hex(String.join("\n", prompts.stream().map(Prompt::id).toList())));
      provenance.put("eval_prompts_sha256", Hashes.sha256Hex(String.join("\n", heldOut.stream().map(Prompt::id).toList())));
      provenance.put("spec_hash", spec.hash());
      provenance.put("judge", judge.id());
      try (LocalModel policy = LocalModel.open(modelDir); LocalModel frozen = LocalModel.open(modelDir)) {
        var result = new GrpoTrainer(settings).train(policy, frozen, prompts, heldOut,
            new JudgeReward(judge, spec, s.formatReward()), out, provenance, progress);
        return String.format("%d rounds, mean reward %.3f -> %.3f, KL %.4f", result.steps(), result.firstMeanReward(),
            result.lastMeanReward(), result.lastKl());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
