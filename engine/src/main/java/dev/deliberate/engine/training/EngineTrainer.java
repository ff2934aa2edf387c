package dev.deliberate.engine.training;

import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.ModelDirs;
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

/**
 * The training seam on the local engine: an SFT job runs {@link SftTrainer}, an RL job {@link GrpoTrainer}. The
 * pipeline and the {@code train} commands both come here, so a job trains the same whichever way it was written.
 */
public final class EngineTrainer implements Trainer {
  @Override
  public String sft(PipelineConfig.Sft job, String model, Path data, Path out, Consumer<String> progress) {
    SftTrainer.Settings settings;
    try {
      settings = SftTrainer.Settings.of(job);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("sft: " + e.getMessage());
    }
    try {
      var r = new SftTrainer(settings).train(ModelDirs.resolve(model, progress), data, out, progress);
      return String.format("%d steps, loss %.4f -> %.4f%s, %.0f tokens/s", r.steps(), r.firstLoss(), r.lastLoss(),
          r.lastEvalLoss() == null ? "" : String.format(", eval loss %.4f -> %.4f", r.firstEvalLoss(), r.lastEvalLoss()),
          r.tokensPerSecond());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String rl(PipelineConfig.Rl job, String model, List<Prompt> prompts, List<Prompt> heldOut, Judge judge,
      Spec spec, Path out, Consumer<String> progress) {
    GrpoTrainer.Settings settings;
    try {
      settings = GrpoTrainer.Settings.of(job);
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
      Path referenceDir = job.reference() == null ? modelDir : ModelDirs.resolve(job.reference(), progress);
      Map<String, Object> provenance = new LinkedHashMap<>();
      provenance.put("model", modelDir.toAbsolutePath().toString());
      provenance.put("reference", referenceDir.toAbsolutePath().toString());
      provenance.put("prompts_sha256", Hashes.sha256Hex(String.join("\n", prompts.stream().map(Prompt::id).toList())));
      provenance.put("eval_prompts_sha256", Hashes.sha256Hex(String.join("\n", heldOut.stream().map(Prompt::id).toList())));
      provenance.put("spec_hash", spec.hash());
      provenance.put("judge", judge.id());
      try (LocalModel policy = LocalModel.open(modelDir); LocalModel frozen = LocalModel.open(referenceDir)) {
        var r = new GrpoTrainer(settings).train(policy, frozen, prompts, heldOut,
            new JudgeReward(judge, spec, job.formatReward()), out, provenance, progress);
        return String.format("%d rounds, mean reward %.3f -> %.3f, KL %.4f%s%s", r.steps(), r.firstMeanReward(),
            r.lastMeanReward(), r.lastKl(), describe("greedy on training prompts", r.firstProbe(), r.lastProbe()),
            describe("held out", r.firstHeldOut(), r.lastHeldOut()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
