package dev.deliberate.engine.training;

import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import dev.deliberate.dataset.Draws;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.tiny.TinyCorpus;
import dev.deliberate.engine.tiny.TinyModel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Locale;
import java.util.Random;
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
  public Map<String, String> numerics() {
    return Engines.numerics();
  }

  /** Version 2 (1 Dec 2026): the format bonus is paid only when the judge pays something (JudgeReward). */
  @Override
  public String rlObjective() {
    return "grpo v2: the judge's score, plus the format bonus only when the judge pays";
  }

  @Override
  public String sft(PipelineConfig.Sft job, String model, Path data, Path out, Consumer<String> progress) {
    SftTrainer.Settings settings;
    try {
      settings = SftTrainer.Settings.of(job);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("sft: " + e.getMessage());
    }
    try {
      Path modelDir = ModelDirs.resolve(model, progress);
      try (LocalModel local = LocalModel.open(modelDir)) {
        List<SupervisedTurn> all = examples(job, local, data, progress);
        List<SupervisedTurn> train = new ArrayList<>();
        List<SupervisedTurn> eval = new ArrayList<>();
        for (SupervisedTurn e : all) {
          boolean heldOut = all.size() >= 20 && Integer.parseUnsignedInt(Hashes.sha256Hex(e.id()).substring(0, 6), 16)
              % 10_000 < job.evalFraction() * 10_000;
          (heldOut ? eval : train).add(e);
        }
        progress.accept("data: " + train.size() + " training examples, " + eval.size() + " held out for eval loss");
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("base_model", modelDir.toAbsolutePath().toString());
        provenance.put("data", data.toAbsolutePath().toString());
        provenance.put("data_sha256", Hashes.sha256Hex(Files.readAllBytes(data)));
        provenance.put("job", job);
        var r = new SftTrainer(settings).train(local, train, eval, out, provenance, progress);
        return String.format(Locale.ROOT, "%d steps, loss %.4f -> %.4f%s, %.0f tokens/s", r.steps(), r.firstLoss(),
            r.lastLoss(), r.lastEvalLoss() == null ? "" : String.format(Locale.ROOT, ", eval loss %.4f -> %.4f",
                r.firstEvalLoss(), r.lastEvalLoss()), r.tokensPerSecond());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The examples a job trains on, in order: those of {@code data} that fit ({@code max_prompt_tokens}), drawn in
   * the job's benign share ({@code examples}), with the tiny model's ordinary requests added, shuffled with the
   * seed, and without their reasoning when the job drops it.
   */
  static List<SupervisedTurn> examples(PipelineConfig.Sft job, LocalModel model, Path data, Consumer<String> progress)
      throws IOException {
    List<SupervisedTurn.Labelled> read = SupervisedTurn.readLabelled(data);
    if (job.maxPromptTokens() > 0) {
      read = fitting(read, job.maxPromptTokens(), model, progress);
    }
    List<SupervisedTurn> out;
    if (job.examples() > 0) {
      for (int i = 0; i < read.size(); i++) {
        if (read.get(i).expected() == null) {
          throw new BadInputException("sft.examples: " + data + ": example " + (i + 1) + " has no expected field:"
              + " drawing by benign share needs it (the filter's sft.jsonl has it)");
        }
      }
      out = new ArrayList<>(Draws.balanced(read, SupervisedTurn.Labelled::expected, job.examples(), job.benignShare(),
          job.seed()).stream().map(SupervisedTurn.Labelled::turn).toList());
      long benign = read.stream().filter(e -> e.expected() == Style.COMPLY).count();
      progress.accept("data: " + out.size() + " drawn (" + Math.round(job.benignShare() * 100) + "% benign, from "
          + benign + " benign and " + (read.size() - benign) + " others)");
    } else {
      out = new ArrayList<>(read.stream().map(SupervisedTurn.Labelled::turn).toList());
    }
    boolean ordinary = job.ordinaryExamples() > 0 && TinyModel.isTiny(model.dir());
    if (ordinary) {
      out.addAll(TinyCorpus.ordinaryExamples(job.ordinaryExamples(), job.seed() + 17));
      progress.accept("data: + " + job.ordinaryExamples() + " ordinary requests of the tiny model's instruction mix");
    } else if (job.ordinaryExamples() > 0) {
      // A pretrained model keeps answering ordinary requests on its own; the tiny mix would teach it tiny's answers.
      progress.accept("data: ordinary_examples skipped: the base is not the tiny model, whose instruction mix they are");
    }
    if (job.examples() > 0 || ordinary) {
      Collections.shuffle(out, new Random(job.seed() + 1));
    }
    if (job.reasoning().equals("drop")) {
      out = out.stream().map(e -> new SupervisedTurn(e.context(), "", e.answer())).toList();
    }
    return out;
  }

  /**
   * The examples whose prompt has at most {@code maxPromptTokens} tokens and whose whole turn fits the context, so
   * that no student sees a cut example (measured with the reasoning, whatever the job does with it).
   */
  private static List<SupervisedTurn.Labelled> fitting(List<SupervisedTurn.Labelled> examples, int maxPromptTokens,
      LocalModel model, Consumer<String> progress) {
    ChatFormat format = model.chatFormat();
    int context = model.config().maxPositions();
    List<SupervisedTurn.Labelled> out = new ArrayList<>();
    long promptTokens = 0;
    long turnTokens = 0;
    for (SupervisedTurn.Labelled e : examples) {
      int prompt = model.tokenizer().encode(format.prompt(e.turn().context())).length;
      int turn = model.tokenizer().encode(format.assistantTurn(e.turn().reasoning(), e.turn().answer())).length;
      if (prompt <= maxPromptTokens && prompt + turn <= context) {
        out.add(e);
        promptTokens += prompt;
        turnTokens += turn;
      }
    }
    progress.accept(String.format(Locale.ROOT, "data: %d of %d examples have a prompt of at most %d tokens and fit"
        + " the context of %d (mean prompt %.0f tokens, mean reasoning + answer %.0f)", out.size(), examples.size(),
        maxPromptTokens, context, promptTokens / (double) Math.max(1, out.size()),
        turnTokens / (double) Math.max(1, out.size())));
    return out;
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
      if (job.maxPromptTokens() > 0 || job.benignShare() != null) {
        try (LocalModel local = LocalModel.open(modelDir)) {
          prompts = rlPrompts(job, prompts, local, progress);
        }
      }
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
        return String.format("%d rounds, mean reward %.3f -> %.3f, KL %.4f%s%s%s", r.steps(), r.firstMeanReward(),
            r.lastMeanReward(), r.lastKl(), describe("greedy on training prompts", r.firstProbe(), r.lastProbe()),
            describe("held out", r.firstHeldOut(), r.lastHeldOut()),
            r.keptStep() < r.steps() ? "; kept the weights of round " + r.keptStep() + " (best held out)" : "");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The prompts that leave room for an answer ({@code max_prompt_tokens}, {@code max_new_tokens}), drawn in the job's
   * benign share when it has one: {@code steps} x {@code prompts_per_step} of them, each once before any twice.
   */
  static List<Prompt> rlPrompts(PipelineConfig.Rl job, List<Prompt> prompts, LocalModel model,
      Consumer<String> progress) {
    ChatFormat format = model.chatFormat();
    int room = model.config().maxPositions() - job.maxNewTokens();
    if (job.maxPromptTokens() > 0) {
      room = Math.min(room, job.maxPromptTokens());
    }
    int limit = room;
    List<Prompt> fit = prompts.stream()
        .filter(p -> model.tokenizer().encode(format.prompt(p.messages())).length <= limit).toList();
    if (fit.isEmpty()) {
      throw new BadInputException("rl.max_prompt_tokens: no prompt of " + prompts.size() + " has at most " + limit
          + " tokens");
    }
    // Offset from the job's seed so that the draw is not the one the SFT data of the same seed was made with.
    List<Prompt> out = job.benignShare() == null ? fit
        : Draws.balanced(fit, Prompt::expected, job.steps() * job.promptsPerStep(), job.benignShare(), job.seed() + 3);
    long benign = out.stream().filter(p -> p.expected() == Style.COMPLY).count();
    progress.accept("prompts: " + out.size() + " (" + benign + " benign) of " + prompts.size() + ", each at most "
        + limit + " tokens");
    return out;
  }

  private static String describe(String what, GrpoTrainer.GreedyScore first, GrpoTrainer.GreedyScore last) {
    if (last == null) {
      return "";
    }
    String refusal = last.benign() == 0 ? "" : String.format(", benign refusal %s -> %.3f",
        first == null ? "?" : String.format("%.3f", first.benignRefusalRate()), last.benignRefusalRate());
    return String.format("; %s: reward %s -> %.3f%s", what,
        first == null ? "?" : String.format("%.3f", first.meanReward()), last.meanReward(), refusal);
  }
}
