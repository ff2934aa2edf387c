package dev.deliberate.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.io.AtomicFiles;
import dev.deliberate.io.Json;
import dev.deliberate.data.Prompt;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.Safetensors;
import dev.deliberate.engine.network.Llama;
import dev.deliberate.engine.network.Tensors;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.sampling.Sampler;
import dev.deliberate.judge.RefusalClass;
import dev.deliberate.pipeline.PipelineConfig;
import dev.deliberate.spec.Style;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Reinforcement learning with the spec judge as reward, by GRPO: each step samples a group of answers per prompt
 * with the KV-cached sampler, scores each answer's final text with the judge (the chain of thought cut out first, see
 * {@link JudgeReward}), normalises rewards within each group into advantages, and takes one or more AdamW steps on
 * the clipped surrogate minus a KL penalty to the frozen reference model (the SFT model), with the loss averaged over
 * the generated tokens only. Metrics go to {@code metrics.jsonl}, every sampled answer with its reward to
 * {@code samples.jsonl}, and checkpoints (the SFT trainer's format and mechanism) let a rerun resume after a crash.
 *
 * <p>Only the policy, the reference and the optimizer state live across steps; every array a step creates lives in
 * a sub-manager closed at the end of its forward pass.
 */
public final class GrpoTrainer {
  /**
   * @param steps sampling rounds (each followed by {@code updatesPerBatch} optimizer steps)
   * @param promptsPerStep prompts per round
   * @param groupSize answers sampled per prompt (G); at least 2, since advantages compare answers within a group
   * @param warmupSteps rounds over which the learning rate rises linearly to its peak, constant afterwards
   * @param clipRatio eps of the clipped importance ratio, which stays within [1 - eps, 1 + eps]
   * @param klCoef weight of the k3 KL penalty to the reference model
   * @param updatesPerBatch optimizer steps on each sampled batch (1 = on-policy; more makes the clip matter)
   * @param microBatch answers per forward pass (memory bound; does not change the result)
   * @param temperature sampling temperature; log-probabilities are taken at the same temperature
   * @param formatReward bonus for a well-formed turn ({@link JudgeReward#wellFormed}), 0 to turn off
   * @param evalEvery evaluate greedy answers on the probe and held-out prompts every this many rounds (and at the
   *     start and the end)
   * @param probePrompts how many training prompts (the first ones) the greedy probe answers
   * @param keepBest end with the weights whose greedy answers to the held-out prompts scored best (the starting
   *     weights included) instead of the last ones: RL on a few noisy rounds can leave the policy worse than its
   *     start, and the held-out (validation) prompts are where that shows
   */
  public record Settings(int steps, int promptsPerStep, int groupSize, double learningRate, int warmupSteps,
      double weightDecay, double clipNorm, double clipRatio, double klCoef, int updatesPerBatch, int microBatch,
      int maxNewTokens, double temperature, double topP, double formatReward, int evalEvery, int probePrompts,
      int checkpointEvery, boolean keepBest, long seed) {
    public Settings {
      if (steps < 1 || promptsPerStep < 1 || updatesPerBatch < 1 || microBatch < 1 || maxNewTokens < 1) {
        throw new IllegalArgumentException(
            "steps, prompts per step, updates per batch, micro-batch and max new tokens must be at least 1");
      }
      if (groupSize < 2) {
        throw new IllegalArgumentException("group size must be at least 2 (advantages compare answers in a group), was "
            + groupSize);
      }
      if (!(learningRate > 0) || !(clipRatio > 0 && clipRatio < 1) || klCoef < 0 || formatReward < 0) {
        throw new IllegalArgumentException("learning rate must be > 0, clip in (0, 1), KL coefficient and format reward >= 0");
      }
      if (!(temperature > 0) || !(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("RL samples: temperature must be > 0 and top_p in (0, 1]");
      }
      if (evalEvery < 1 || checkpointEvery < 1 || warmupSteps < 0 || probePrompts < 0) {
        throw new IllegalArgumentException("eval and checkpoint intervals must be at least 1, warm-up and probe >= 0");
      }
    }

    public static final Settings DEFAULT =
        new Settings(100, 4, 4, 1e-5, 0, 0.0, 1.0, 0.2, 0.04, 1, 8, 128, 1.0, 1.0, 0.1, 10, 16, 10, false, 0);

    /** The settings of an RL job (its defaults are already filled in); a job without a seed trains with seed 0. */
    public static Settings of(PipelineConfig.Rl job) {
      return new Settings(job.steps(), job.promptsPerStep(), job.group(), job.lr(), job.warmupSteps(),
          job.weightDecay(), job.gradClip(), job.clip(), job.klCoef(), job.updates(), job.microBatch(),
          job.maxNewTokens(), job.temperature(), job.topP(), job.formatReward(), job.evalEvery(), job.probe(),
          job.checkpointEvery(), job.keepBest(), job.seed() == null ? 0 : job.seed());
    }

    public Settings withSteps(int n) {
      return new Settings(n, promptsPerStep, groupSize, learningRate, warmupSteps, weightDecay, clipNorm, clipRatio,
          klCoef, updatesPerBatch, microBatch, maxNewTokens, temperature, topP, formatReward, evalEvery, probePrompts,
          checkpointEvery, keepBest, seed);
    }

    public Settings withGroup(int prompts, int group) {
      return new Settings(steps, prompts, group, learningRate, warmupSteps, weightDecay, clipNorm, clipRatio, klCoef,
          updatesPerBatch, microBatch, maxNewTokens, temperature, topP, formatReward, evalEvery, probePrompts,
          checkpointEvery, keepBest, seed);
    }

    public Settings withOptimizer(double lr, int warmup, double decay, double norm) {
      return new Settings(steps, promptsPerStep, groupSize, lr, warmup, decay, norm, clipRatio, klCoef,
          updatesPerBatch, microBatch, maxNewTokens, temperature, topP, formatReward, evalEvery, probePrompts,
          checkpointEvery, keepBest, seed);
    }

    public Settings withObjective(double clip, double kl, int updates, double format) {
      return new Settings(steps, promptsPerStep, groupSize, learningRate, warmupSteps, weightDecay, clipNorm, clip,
          kl, updates, microBatch, maxNewTokens, temperature, topP, format, evalEvery, probePrompts, checkpointEvery,
          keepBest, seed);
    }

    public Settings withSampling(int newTokens, double temp, double p, int micro) {
      return new Settings(steps, promptsPerStep, groupSize, learningRate, warmupSteps, weightDecay, clipNorm,
          clipRatio, klCoef, updatesPerBatch, micro, newTokens, temp, p, formatReward, evalEvery, probePrompts,
          checkpointEvery, keepBest, seed);
    }

    public Settings withEvery(int eval, int probe, int checkpoint) {
      return new Settings(steps, promptsPerStep, groupSize, learningRate, warmupSteps, weightDecay, clipNorm,
          clipRatio, klCoef, updatesPerBatch, microBatch, maxNewTokens, temperature, topP, formatReward, eval, probe,
          checkpoint, keepBest, seed);
    }

    public Settings withKeepBest(boolean keep) {
      return new Settings(steps, promptsPerStep, groupSize, learningRate, warmupSteps, weightDecay, clipNorm,
          clipRatio, klCoef, updatesPerBatch, microBatch, maxNewTokens, temperature, topP, formatReward, evalEvery,
          probePrompts, checkpointEvery, keep, seed);
    }

    public Settings withSeed(long s) {
      return new Settings(steps, promptsPerStep, groupSize, learningRate, warmupSteps, weightDecay, clipNorm,
          clipRatio, klCoef, updatesPerBatch, microBatch, maxNewTokens, temperature, topP, formatReward, evalEvery,
          probePrompts, checkpointEvery, keepBest, s);
    }

    /** Linear warm-up to the peak, then constant (RL steps are few and each is noisy; a decay adds nothing here). */
    public double learningRateAt(int step) {
      return step < warmupSteps ? learningRate * (step + 1) / warmupSteps : learningRate;
    }
  }

  /**
   * Greedy answers to a fixed set of prompts, scored by the same reward.
   *
   * @param meanReward mean judge score (format bonus excluded) over answers with a verdict
   * @param benign prompts whose expected behaviour is comply
   * @param benignRefusalRate share of those whose answer the style reader ({@code judge.StyleReader}) does not read as full compliance
   *     (an empty answer counts as a refusal: the user got nothing)
   * @param benignNoAnswerRate the part of that share with no answer at all (cut off while thinking)
   */
  public record GreedyScore(int prompts, double meanReward, int benign, double benignRefusalRate,
      double benignNoAnswerRate) {}

  /** What a finished run reports; {@code first} and {@code last} evaluations are null without such prompts. */
  public record Result(Path dir, int steps, double firstMeanReward, double lastMeanReward, double lastKl,
      GreedyScore firstProbe, GreedyScore lastProbe, GreedyScore firstHeldOut, GreedyScore lastHeldOut,
      int keptStep) {}

  /** One sampled answer: the prompt it answers, its tokens, its text and what it earned. */
  record Rollout(Prompt prompt, long[] promptIds, long[] completionIds, String text, String finishReason,
      JudgeReward.Reward reward) {}

  private final Settings settings;

  public GrpoTrainer(Settings settings) {
    this.settings = settings;
  }

  /**
   * Trains {@code policy} in place and writes it as a model directory in {@code out}. {@code reference} is the frozen
   * model of the KL penalty (normally a second copy of the starting model); it is never updated. {@code heldOut}
   * prompts are only evaluated, never trained on. {@code provenance} is recorded in {@code out/training.json} and
   * keys the checkpoint, so a checkpoint made with other inputs is refused rather than mixed in.
   */
  public Result train(LocalModel policy, LocalModel reference, List<Prompt> prompts, List<Prompt> heldOut,
      JudgeReward reward, Path out, Map<String, Object> provenance, Consumer<String> progress) throws IOException {
    Files.createDirectories(out);
    checkSameShape(policy, reference);
    ChatFormat format = policy.chatFormat();
    List<Prompt> train = fitting(policy, format, prompts, "training", progress);
    List<Prompt> eval = fitting(policy, format, heldOut, "held-out", progress);
    if (train.isEmpty()) {
      throw new BadInputException("no training prompt leaves room for " + settings.maxNewTokens()
          + " new tokens in the model's context of " + policy.config().maxPositions() + " tokens (lower --max-new-tokens)");
    }
    if (settings.keepBest() && eval.isEmpty()) {
      throw new BadInputException("rl keep: best chooses the weights on the held-out prompts, and there are none"
          + " (give eval_prompts, or keep: last)");
    }
    List<Prompt> probe = train.subList(0, Math.min(settings.probePrompts(), train.size()));
    progress.accept(String.format("rl: %d training prompts (%d benign), %d held out (%d benign); %d rounds of %d x %d answers",
        train.size(), benign(train), eval.size(), benign(eval), settings.steps(), settings.promptsPerStep(),
        settings.groupSize()));
    String key = Hashes.sha256Hex(Json.line(Map.of("trainer", "grpo", "settings", settings, "provenance", provenance,
        "prompts", train.stream().map(Prompt::id).toList(), "judge", reward.judgeId(),
        "config", policy.config().toJson())));
    Map<String, NDArray> parameters = policy.weights().named();
    parameters.values().forEach(p -> p.setRequiresGradient(true));
    Path metricsFile = out.resolve("metrics.jsonl");
    Path samplesFile = out.resolve("samples.jsonl");
    Path evalSamplesFile = out.resolve("eval-samples.jsonl");
    Path checkpoint = out.resolve("checkpoint");
    Path bestDir = out.resolve("best");
    List<Integer> order = order(train.size());
    Set<Long> stopIds = Sampler.stopIds(policy);
    long endId = endOfTurnId(policy, format, stopIds);
    try (AdamW optimizer = new AdamW(policy.manager(), parameters, 0.9, 0.99, 1e-8, settings.weightDecay())) {
      int start = SftTrainer.resume(checkpoint, key, policy, optimizer, metricsFile, progress);
      keepSamplesUpTo(samplesFile, start);
      keepSamplesUpTo(evalSamplesFile, start);
      Best best = settings.keepBest() ? Best.read(bestDir, key) : null;
      double firstReward = Double.NaN;
      double lastReward = Double.NaN;
      double lastKl = Double.NaN;
      GreedyScore firstProbe = null;
      GreedyScore firstHeldOut = null;
      GreedyScore lastProbe = null;
      GreedyScore lastHeldOut = null;
      if (start == 0) {
        firstProbe = evaluate(policy, probe, reward, evalSink(evalSamplesFile, 0, "probe"));
        firstHeldOut = evaluate(policy, eval, reward, evalSink(evalSamplesFile, 0, "heldout"));
        if (firstProbe != null || firstHeldOut != null) {
          SftTrainer.appendMetrics(metricsFile, evalRecord(0, firstProbe, firstHeldOut));
          progress.accept("step 0/" + settings.steps() + describe(firstProbe, firstHeldOut));
        }
        best = keepIfBetter(best, 0, firstHeldOut, bestDir, key, policy);
      }
      long began = System.nanoTime();
      for (int step = start; step < settings.steps(); step++) {
        List<Prompt> batch = new ArrayList<>();
        for (int i = 0; i < settings.promptsPerStep(); i++) {
          batch.add(train.get(order.get((step * settings.promptsPerStep() + i) % order.size())));
        }
        List<Rollout> rollouts = sample(policy, format, batch, step, stopIds, endId, reward);
        double[] advantages = advantages(rollouts);
        List<SftTrainer.Tokenized> sequences = rollouts.stream().map(GrpoTrainer::sequence).toList();
        List<int[]> micro = microBatches(sequences.size());
        List<float[]> oldLogProbs = new ArrayList<>();
        List<float[]> refLogProbs = new ArrayList<>();
        for (int[] indices : micro) {
          oldLogProbs.add(logProbs(policy, sequences, indices));
          refLogProbs.add(logProbs(reference, sequences, indices));
        }
        int tokens = 0;
        for (SftTrainer.Tokenized t : sequences) {
          tokens += t.trainedTokens();
        }
        double kl = meanKl(sequences, micro, oldLogProbs, refLogProbs, tokens);
        double lr = settings.learningRateAt(step);
        double loss = 0;
        double norm = 0;
        int skipped = 0;
        for (int u = 0; u < settings.updatesPerBatch(); u++) {
          loss = 0;
          try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
            for (int m = 0; m < micro.size(); m++) {
              loss += backward(collector, policy, sequences, micro.get(m), oldLogProbs.get(m), refLogProbs.get(m),
                  advantages, Math.max(1, tokens));
            }
          }
          norm = optimizer.gradientNorm();
          if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            optimizer.zeroGradients();
            skipped++;
          } else {
            optimizer.update(lr, norm > settings.clipNorm() ? settings.clipNorm() / norm : 1.0);
          }
        }
        if (skipped > 0) {
          progress.accept("step " + (step + 1) + ": loss or gradient not finite; " + skipped + " update(s) skipped");
        }
        ObjectNode metrics = stepRecord(step + 1, rollouts, tokens, kl, loss, norm, lr,
            (System.nanoTime() - began) / 1e9);
        double meanReward = metrics.path("reward_mean").asDouble(Double.NaN);
        if (Double.isNaN(firstReward)) {
          firstReward = meanReward;
        }
        lastReward = meanReward;
        lastKl = kl;
        boolean last = step + 1 == settings.steps();
        if ((step + 1) % settings.evalEvery() == 0 || last) {
          lastProbe = evaluate(policy, probe, reward, evalSink(evalSamplesFile, step + 1, "probe"));
          lastHeldOut = evaluate(policy, eval, reward, evalSink(evalSamplesFile, step + 1, "heldout"));
          metrics.setAll(evalRecord(step + 1, lastProbe, lastHeldOut));
          best = keepIfBetter(best, step + 1, lastHeldOut, bestDir, key, policy);
        }
        appendSamples(samplesFile, step + 1, rollouts, advantages);
        SftTrainer.appendMetrics(metricsFile, metrics);
        progress.accept(String.format("step %d/%d reward %.3f kl %.4f benign-refusal %s len %.1f loss %.4f grad %.2f%s",
            step + 1, settings.steps(), meanReward, kl, metrics.has("benign_refusal_rate")
                ? String.format("%.3f", metrics.get("benign_refusal_rate").asDouble()) : "-",
            metrics.path("completion_tokens_mean").asDouble(), loss, norm,
            metrics.has("probe_reward") || metrics.has("heldout_reward") ? describe(lastProbe, lastHeldOut) : ""));
        if ((step + 1) % settings.checkpointEvery() == 0 && !last) {
          SftTrainer.saveCheckpoint(checkpoint, key, step + 1, policy, optimizer);
        }
      }
      parameters.values().forEach(p -> p.setRequiresGradient(false));
      if (best != null && best.step() < settings.steps()) {
        Map<String, Safetensors.Tensor> kept = Safetensors.read(bestDir.resolve("model.safetensors"));
        parameters.forEach((name, p) -> Tensors.copyInto(p, kept.get(name).data()));
        progress.accept(String.format(Locale.ROOT, "keeping the weights of step %d: held-out reward %.3f, the last"
            + " step's %.3f", best.step(), best.heldOutReward(), lastHeldOut.meanReward()));
      }
      policy.save(out);
      Result result = new Result(out, settings.steps(), firstReward, lastReward, lastKl, firstProbe, lastProbe,
          firstHeldOut, lastHeldOut, best == null ? settings.steps() : best.step());
      writeProvenance(out, provenance, reward, result, train.size(), eval.size());
      AtomicFiles.deleteRecursively(checkpoint);
      AtomicFiles.deleteRecursively(bestDir);
      return result;
    }
  }

  /**
   * The best greedy evaluation on the held-out prompts so far, its weights in {@code best/}. It lives on disk, not
   * in memory, so that a run resumed after a crash still knows it; it is keyed like the checkpoint.
   */
  record Best(int step, double heldOutReward) {
    static Best read(Path dir, String key) throws IOException {
      Path state = dir.resolve("best.json");
      if (!Files.isRegularFile(state)) {
        return null;
      }
      var node = Json.mapper().readTree(state.toFile());
      return node.path("key").asText().equals(key) && Files.isRegularFile(dir.resolve("model.safetensors"))
          ? new Best(node.path("step").asInt(), node.path("heldout_reward").asDouble()) : null;
    }
  }

  /** Keeps this step's weights when their held-out reward beats the best so far (ties keep the earlier step). */
  private Best keepIfBetter(Best best, int step, GreedyScore heldOut, Path dir, String key, LocalModel policy)
      throws IOException {
    if (!settings.keepBest() || heldOut == null || !(Double.isFinite(heldOut.meanReward()))
        || (best != null && heldOut.meanReward() <= best.heldOutReward())) {
      return best;
    }
    AtomicFiles.replaceDirectory(dir, tmp -> {
      policy.weights().save(tmp);
      ObjectNode node = Json.mapper().createObjectNode();
      node.put("key", key);
      node.put("step", step);
      node.put("heldout_reward", heldOut.meanReward());
      LocalModel.writeJson(tmp.resolve("best.json"), node);
    });
    return new Best(step, heldOut.meanReward());
  }

  /** Samples G answers per prompt as one batch and scores each; the round's seed comes from the run seed and step. */
  List<Rollout> sample(LocalModel policy, ChatFormat format, List<Prompt> batch, int step, Set<Long> stopIds,
      long endId, JudgeReward reward) {
    List<long[]> rows = new ArrayList<>();
    List<Prompt> rowPrompts = new ArrayList<>();
    for (Prompt p : batch) {
      long[] ids = policy.tokenizer().encode(format.prompt(p.messages()));
      for (int g = 0; g < settings.groupSize(); g++) {
        rows.add(ids);
        rowPrompts.add(p);
      }
    }
    GenerationSettings sampling = new GenerationSettings(settings.maxNewTokens(), settings.temperature(),
        settings.topP(), List.of(), settings.seed() * 1_000_003L + step);
    List<Sampler.Output> outputs = Sampler.generateIds(policy, rows, sampling, stopIds, true, policy.tokenizer()::decode);
    List<Rollout> rollouts = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      Sampler.Output o = outputs.get(r);
      boolean stopped = "stop".equals(o.finishReason());
      // The end-of-turn token is part of what the policy chose, so it is trained too (the sampler drops it).
      long[] completion = stopped ? append(o.ids(), endId) : o.ids();
      rollouts.add(new Rollout(rowPrompts.get(r), rows.get(r), completion, o.text(), o.finishReason(),
          reward.score(rowPrompts.get(r), o.text(), stopped)));
    }
    return rollouts;
  }

  /** Advantages group by group (consecutive runs of G rollouts share a prompt). */
  private double[] advantages(List<Rollout> rollouts) {
    double[] out = new double[rollouts.size()];
    int g = settings.groupSize();
    for (int start = 0; start < rollouts.size(); start += g) {
      double[] rewards = new double[g];
      for (int i = 0; i < g; i++) {
        rewards[i] = rollouts.get(start + i).reward().total();
      }
      System.arraycopy(Grpo.advantages(rewards), 0, out, start, g);
    }
    return out;
  }

  /** Prompt then answer as one sequence, with the loss on the answer's tokens only. */
  static SftTrainer.Tokenized sequence(Rollout r) {
    long[] ids = new long[r.promptIds().length + r.completionIds().length];
    float[] mask = new float[ids.length];
    System.arraycopy(r.promptIds(), 0, ids, 0, r.promptIds().length);
    System.arraycopy(r.completionIds(), 0, ids, r.promptIds().length, r.completionIds().length);
    for (int i = r.promptIds().length; i < ids.length; i++) {
      mask[i] = 1;
    }
    return new SftTrainer.Tokenized(ids, mask);
  }

  private List<int[]> microBatches(int rows) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < rows; i += settings.microBatch()) {
      int[] indices = new int[Math.min(settings.microBatch(), rows - i)];
      for (int j = 0; j < indices.length; j++) {
        indices[j] = i + j;
      }
      out.add(indices);
    }
    return out;
  }

  /** Per-token log-probabilities of a micro-batch under a model, without gradients: {@code [rows * length]}. */
  private float[] logProbs(LocalModel model, List<SftTrainer.Tokenized> sequences, int[] indices) {
    try (NDManager scope = model.manager().newSubManager()) {
      SftTrainer.Batch b = SftTrainer.Batch.of(scope, sequences, indices);
      NDArray logits = Llama.infer(model.config(), model.weights(), b.inputs(), b.positions(),
          Llama.causalMask(scope, b.length()), null);
      return Grpo.tokenLogProbs(logits, b.targets(), settings.temperature()).toFloatArray();
    }
  }

  /** Forward and backward of one micro-batch; returns its share of the step's loss. */
  private double backward(GradientCollector collector, LocalModel policy, List<SftTrainer.Tokenized> sequences,
      int[] indices, float[] old, float[] ref, double[] advantages, int tokens) {
    try (NDManager scope = policy.manager().newSubManager()) {
      SftTrainer.Batch b = SftTrainer.Batch.of(scope, sequences, indices);
      Shape shape = new Shape(indices.length, b.length());
      float[] adv = new float[indices.length];
      for (int i = 0; i < indices.length; i++) {
        adv[i] = (float) advantages[indices[i]];
      }
      NDArray logits = Llama.forward(policy.config(), policy.weights(), b.inputs(), b.positions(),
          Llama.causalMask(scope, b.length()), null);
      NDArray logProbs = Grpo.tokenLogProbs(logits, b.targets(), settings.temperature());
      NDArray loss = Grpo.summedLoss(logProbs, Tensors.of(scope, old, shape), Tensors.of(scope, ref, shape),
          Tensors.of(scope, adv, new Shape(indices.length, 1)), b.mask(), settings.clipRatio(), settings.klCoef())
          .div(Tensors.scalar(scope, tokens));
      collector.backward(loss);
      return loss.getFloat();
    }
  }

  /** Mean k3 KL of the policy (as sampled) to the reference over the answer tokens. */
  private static double meanKl(List<SftTrainer.Tokenized> sequences, List<int[]> micro, List<float[]> old,
      List<float[]> ref, int tokens) {
    double sum = 0;
    for (int m = 0; m < micro.size(); m++) {
      int[] indices = micro.get(m);
      int length = old.get(m).length / indices.length;
      for (int r = 0; r < indices.length; r++) {
        float[] mask = sequences.get(indices[r]).lossMask();
        for (int i = 0; i < length && i + 1 < mask.length; i++) {
          if (mask[i + 1] > 0) {
            sum += Grpo.klK3(old.get(m)[r * length + i], ref.get(m)[r * length + i]);
          }
        }
      }
    }
    return sum / Math.max(1, tokens);
  }

  /** Greedy answers to the prompts, scored, each passed to {@code sink}; null when there are none. */
  GreedyScore evaluate(LocalModel model, List<Prompt> prompts, JudgeReward reward,
      BiConsumer<Prompt, JudgeReward.Reward> sink) throws IOException {
    if (prompts.isEmpty()) {
      return null;
    }
    ChatFormat format = model.chatFormat();
    GenerationSettings greedy = new GenerationSettings(settings.maxNewTokens(), 0.0, 1.0, List.of(), 0);
    Set<Long> stopIds = Sampler.stopIds(model);
    double sum = 0;
    int judged = 0;
    int benign = 0;
    int refused = 0;
    int silent = 0;
    for (int i = 0; i < prompts.size(); i += settings.microBatch()) {
      List<Prompt> chunk = prompts.subList(i, Math.min(prompts.size(), i + settings.microBatch()));
      List<long[]> ids = chunk.stream().map(p -> model.tokenizer().encode(format.prompt(p.messages()))).toList();
      List<Sampler.Output> outputs = Sampler.generateIds(model, ids, greedy, stopIds, true, model.tokenizer()::decode);
      for (int j = 0; j < chunk.size(); j++) {
        Sampler.Output o = outputs.get(j);
        JudgeReward.Reward r = reward.score(chunk.get(j), o.text(), "stop".equals(o.finishReason()));
        sink.accept(chunk.get(j), r);
        if (!r.failed()) {
          sum += r.judgeScore();
          judged++;
        }
        if (chunk.get(j).expected() == Style.COMPLY) {
          benign++;
          refused += r.refusal() == RefusalClass.FULL_COMPLIANCE ? 0 : 1;
          silent += r.answer().isBlank() ? 1 : 0;
        }
      }
    }
    return new GreedyScore(prompts.size(), judged == 0 ? Double.NaN : sum / judged, benign,
        benign == 0 ? Double.NaN : (double) refused / benign, benign == 0 ? Double.NaN : (double) silent / benign);
  }

  /** Appends each greedy answer of an evaluation to {@code eval-samples.jsonl}. */
  private static BiConsumer<Prompt, JudgeReward.Reward> evalSink(Path file, int step, String set) {
    return (prompt, r) -> {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("id", Hashes.shortId("rle-", Integer.toString(step), set, prompt.id()));
      record.put("step", step);
      record.put("set", set);
      record.put("prompt_id", prompt.id());
      record.put("expected", prompt.expected() == null ? null : prompt.expected().wireName());
      record.put("judged_answer", r.answer());
      record.put("judge_score", r.judgeScore());
      record.put("refusal_class", r.refusal().wireName());
      try {
        SftTrainer.appendMetrics(file, record);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  /** The per-round metrics: rewards overall, by category and by expected behaviour; refusals of benign prompts; KL; lengths. */
  private ObjectNode stepRecord(int step, List<Rollout> rollouts, int tokens, double kl, double loss, double norm,
      double lr, double seconds) {
    double sum = 0;
    double judgeSum = 0;
    int judged = 0;
    int failures = 0;
    int formed = 0;
    int benign = 0;
    int refused = 0;
    int truncated = 0;
    long answerChars = 0;
    Map<String, double[]> byCategory = new TreeMap<>();
    Map<String, double[]> byExpected = new TreeMap<>();
    for (Rollout r : rollouts) {
      JudgeReward.Reward reward = r.reward();
      formed += reward.wellFormed() ? 1 : 0;
      truncated += "length".equals(r.finishReason()) ? 1 : 0;
      answerChars += reward.answer().length();
      if (r.prompt().expected() == Style.COMPLY) {
        benign++;
        refused += reward.refusal() == RefusalClass.FULL_COMPLIANCE ? 0 : 1;
      }
      if (reward.failed()) {
        failures++;
        continue;
      }
      sum += reward.total();
      judgeSum += reward.judgeScore();
      judged++;
      add(byCategory, r.prompt().category() == null ? "none" : r.prompt().category(), reward.judgeScore());
      add(byExpected, r.prompt().expected() == null ? "unknown" : r.prompt().expected().wireName(),
          reward.judgeScore());
    }
    ObjectNode m = Json.mapper().createObjectNode();
    m.put("step", step);
    number(m, "reward_mean", judged == 0 ? Double.NaN : sum / judged);
    number(m, "judge_score_mean", judged == 0 ? Double.NaN : judgeSum / judged);
    m.set("judge_score_by_category", Json.mapper().valueToTree(means(byCategory)));
    m.set("judge_score_by_expected", Json.mapper().valueToTree(means(byExpected)));
    m.put("judge_failures", failures);
    m.put("well_formed_rate", (double) formed / rollouts.size());
    if (benign > 0) {
      m.put("benign_refusal_rate", (double) refused / benign);
    }
    number(m, "kl", kl);
    m.put("completion_tokens_mean", (double) tokens / rollouts.size());
    m.put("answer_chars_mean", (double) answerChars / rollouts.size());
    m.put("truncated_rate", (double) truncated / rollouts.size());
    number(m, "loss", loss);
    number(m, "grad_norm", norm);
    m.put("lr", lr);
    m.put("seconds", seconds);
    return m;
  }

  private static void add(Map<String, double[]> sums, String key, double value) {
    double[] s = sums.computeIfAbsent(key, k -> new double[2]);
    s[0] += value;
    s[1]++;
  }

  private static Map<String, Double> means(Map<String, double[]> sums) {
    Map<String, Double> out = new LinkedHashMap<>();
    sums.forEach((k, s) -> out.put(k, s[0] / s[1]));
    return out;
  }

  private static ObjectNode evalRecord(int step, GreedyScore probe, GreedyScore heldOut) {
    ObjectNode m = Json.mapper().createObjectNode();
    m.put("step", step);
    if (probe != null) {
      number(m, "probe_reward", probe.meanReward());
      if (probe.benign() > 0) {
        m.put("probe_benign_refusal_rate", probe.benignRefusalRate());
        m.put("probe_benign_no_answer_rate", probe.benignNoAnswerRate());
      }
    }
    if (heldOut != null) {
      number(m, "heldout_reward", heldOut.meanReward());
      if (heldOut.benign() > 0) {
        m.put("heldout_benign_refusal_rate", heldOut.benignRefusalRate());
        m.put("heldout_benign_no_answer_rate", heldOut.benignNoAnswerRate());
      }
    }
    return m;
  }

  private static String describe(GreedyScore probe, GreedyScore heldOut) {
    StringBuilder s = new StringBuilder();
    if (probe != null) {
      s.append(String.format(" | greedy on %d training prompts: reward %.3f", probe.prompts(), probe.meanReward()));
    }
    if (heldOut != null) {
      s.append(String.format(" | held out (%d): reward %.3f, benign refusal %.3f (no answer %.3f)", heldOut.prompts(),
          heldOut.meanReward(), heldOut.benignRefusalRate(), heldOut.benignNoAnswerRate()));
    }
    return s.toString();
  }

  /** Every sampled answer with the text the judge saw and its verdict, so a run's rewards can be audited. */
  private static void appendSamples(Path file, int step, List<Rollout> rollouts, double[] advantages)
      throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < rollouts.size(); i++) {
      Rollout r = rollouts.get(i);
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("id", Hashes.shortId("rl-", Integer.toString(step), Integer.toString(i), r.prompt().id()));
      record.put("step", step);
      record.put("prompt_id", r.prompt().id());
      record.put("generated", r.text());
      record.put("judged_answer", r.reward().answer());
      record.put("finish_reason", r.finishReason());
      record.put("reward", Double.isFinite(r.reward().total()) ? r.reward().total() : null);
      record.put("judge_score", r.reward().judgeScore());
      record.put("well_formed", r.reward().wellFormed());
      record.put("advantage", advantages[i]);
      record.put("criteria", r.reward().judgment().criteria());
      record.put("rationale", r.reward().judgment().rationale());
      if (!r.reward().judgment().ok()) {
        record.put("judge_failure", r.reward().judgment().failure());
      }
      lines.add(Json.line(record));
    }
    Files.write(file, lines, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  /** After a resume, drops the samples of rounds after the checkpoint (they are sampled again, identically). */
  private static void keepSamplesUpTo(Path file, int step) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    if (step == 0) {
      Files.delete(file);
      return;
    }
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      try {
        if (!line.isBlank() && Json.mapper().readTree(line).path("step").asInt() <= step) {
          kept.add(line);
        }
      } catch (IOException e) {
        // A line cut by the crash: dropped, and its round is redone.
      }
    }
    Files.write(file, kept);
  }

  /**
   * The prompts that leave room in the context for a whole answer of {@code maxNewTokens}; the others are reported
   * and left out. A batch is padded to its longest prompt, so one long prompt would otherwise cut every answer in
   * its batch short, and an answer cut short earns nothing and teaches nothing.
   */
  private List<Prompt> fitting(LocalModel model, ChatFormat format, List<Prompt> prompts, String what,
      Consumer<String> progress) {
    int room = model.config().maxPositions() - settings.maxNewTokens();
    List<Prompt> out = new ArrayList<>();
    for (Prompt p : prompts) {
      if (model.tokenizer().encode(format.prompt(p.messages())).length <= room) {
        out.add(p);
      }
    }
    if (out.size() < prompts.size()) {
      progress.accept(String.format("%s: skipped %d of %d prompts longer than %d tokens (context %d - %d new tokens)",
          what, prompts.size() - out.size(), prompts.size(), Math.max(0, room), model.config().maxPositions(),
          settings.maxNewTokens()));
    }
    return out;
  }

  private static int benign(List<Prompt> prompts) {
    return (int) prompts.stream().filter(p -> p.expected() == Style.COMPLY).count();
  }

  /** Prompt indices in training order: a fresh shuffle from the seed each pass, enough passes for every round. */
  private List<Integer> order(int prompts) {
    List<Integer> order = new ArrayList<>();
    int passes = (int) Math.ceil((double) settings.steps() * settings.promptsPerStep() / prompts);
    for (int pass = 0; pass < Math.max(1, passes); pass++) {
      List<Integer> shuffled = new ArrayList<>();
      for (int i = 0; i < prompts; i++) {
        shuffled.add(i);
      }
      Collections.shuffle(shuffled, new Random(settings.seed() * 1_000_003L + pass));
      order.addAll(shuffled);
    }
    return order;
  }

  /** The token the sampler stopped at: the chat format's end of turn, else the first end-of-sequence id. */
  private static long endOfTurnId(LocalModel model, ChatFormat format, Set<Long> stopIds) {
    return model.tokenizer().singleTokenId(format.stop()).orElseGet(() -> stopIds.iterator().next());
  }

  private static long[] append(long[] ids, long id) {
    long[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = id;
    return out;
  }

  private static void checkSameShape(LocalModel policy, LocalModel reference) {
    if (!policy.config().toJson().equals(reference.config().toJson())) {
      throw new BadInputException("the reference model's config.json differs from the policy's;"
          + " the KL penalty needs the same architecture and vocabulary");
    }
  }

  private void writeProvenance(Path out, Map<String, Object> provenance, JudgeReward reward, Result result,
      int trainCount, int evalCount) throws IOException {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("format_version", 1);
    node.put("trainer", "grpo");
    node.set("settings", Json.mapper().valueToTree(settings));
    node.set("provenance", Json.mapper().valueToTree(provenance));
    node.put("judge", reward.judgeId());
    node.put("judge_sees_chain_of_thought", false);
    node.put("train_prompts", trainCount);
    node.put("heldout_prompts", evalCount);
    ObjectNode outcome = node.putObject("result");
    outcome.put("steps", result.steps());
    number(outcome, "first_reward_mean", result.firstMeanReward());
    number(outcome, "last_reward_mean", result.lastMeanReward());
    number(outcome, "last_kl", result.lastKl());
    outcome.set("first_probe", evaluationNode(result.firstProbe()));
    outcome.set("last_probe", evaluationNode(result.lastProbe()));
    outcome.set("first_heldout", evaluationNode(result.firstHeldOut()));
    outcome.set("last_heldout", evaluationNode(result.lastHeldOut()));
    outcome.put("kept_step", result.keptStep());
    node.put("java", Runtime.version().toString());
    node.put("written_at", Instant.now().toString());
    LocalModel.writeJson(out.resolve("training.json"), node);
  }

  private static ObjectNode evaluationNode(GreedyScore e) {
    if (e == null) {
      return null;
    }
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("prompts", e.prompts());
    number(node, "reward_mean", e.meanReward());
    node.put("benign", e.benign());
    number(node, "benign_refusal_rate", e.benignRefusalRate());
    number(node, "benign_no_answer_rate", e.benignNoAnswerRate());
    return node;
  }

  /** JSON has no NaN: an undefined mean (nothing to average) is written as null. */
  static void number(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }
}
