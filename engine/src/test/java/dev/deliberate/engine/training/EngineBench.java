package dev.deliberate.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.network.Llama;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.network.Tensors;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.sampling.Sampler;
import dev.deliberate.engine.tiny.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Engine benchmarks (not unit tests; run {@code bench/engine.sh}). Every figure is printed with the baseline it is
 * compared to, measured in the same run: training throughput and model-FLOPs utilisation against a large-GEMM
 * peak of the same engine; generation with the KV cache against recomputing the prefix, and batched against
 * one prompt at a time; peak resident memory.
 */
public final class EngineBench {
  private EngineBench() {}

  public static void main(String[] args) throws IOException {
    String what = args.length > 0 ? args[0] : "all";
    Engines.pytorch();
    System.out.println("threads: " + System.getProperty("ai.djl.pytorch.num_threads")
        + ", processors: " + Runtime.getRuntime().availableProcessors()
        + ", load average: " + Files.readString(Path.of("/proc/loadavg")).strip());
    LlamaConfig config = TinyModel.RECIPE.config(TinyModel.RECIPE.vocabSize());
    double peak = gemmPeak();
    System.out.printf("GEMM peak (1024^3 float32 matmul): %.1f GFLOP/s%n", peak / 1e9);
    if (what.equals("all") || what.equals("train")) {
      train(config, peak, 16, 128, 12);
      train(config, peak, 16, 256, 8);
    }
    if (what.equals("all") || what.equals("generate")) {
      generate("tiny", config, true);
      // A SmolLM2-135M-like width with fewer layers: where compute, not per-call overhead, dominates a step.
      generate("small", new LlamaConfig("llama", 8192, 576, 1536, 8, 9, 3, 64, 512, 1e-5, 10000.0, true, false,
          false, 0, List.of(0)), false);
    }
    System.out.println("peak resident memory (VmHWM): " + status("VmHWM") + ", now (VmRSS): " + status("VmRSS"));
  }

  /** FLOP/s of a large square matmul, the best this engine does on this machine right now. */
  static double gemmPeak() {
    int n = 1024;
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      double best = 0;
      for (int rep = 0; rep < 8; rep++) {
        try (NDManager scope = m.newSubManager()) {
          scope.tempAttachAll(a, b);
          long t = System.nanoTime();
          a.matMul(b).sum().getFloat();
          double seconds = (System.nanoTime() - t) / 1e9;
          best = Math.max(best, 2.0 * n * n * n / seconds);
        }
      }
      return best;
    }
  }

  /**
   * Forward, backward and an AdamW update on random tokens. Model FLOPs per token: 6 x (non-embedding
   * parameters + the tied head) + 12 x layers x width x sequence (attention scores and mixing), as in the
   * PaLM appendix.
   */
  static void train(LlamaConfig config, double peak, int batch, int length, int steps) {
    try (LocalModel model = LocalModel.random(config, 1, null)) {
      double tokensPerSecond = train(model, batch, length, steps);
      double achieved = tokensPerSecond * trainingFlopsPerToken(config, length);
      System.out.printf("training %.2fM params, batch %d x %d: %.0f tokens/s, %.1f GFLOP/s model FLOPs, MFU %.2f%n",
          config.parameterCount() / 1e6, batch, length, tokensPerSecond, achieved / 1e9, achieved / peak);
    }
  }

  /** Model FLOPs of one trained token (forward and backward). */
  static double trainingFlopsPerToken(LlamaConfig config, int length) {
    return 6.0 * config.parameterCount() + 12.0 * config.numLayers() * config.hiddenSize() * length;
  }

  /**
   * Tokens/s of SFT steps (forward, masked NLL, backward, AdamW) on random token ids, after two untimed steps.
   * The model's weights are trained in place.
   */
  static double train(LocalModel model, int batch, int length, int steps) {
    LlamaConfig config = model.config();
    var parameters = model.weights().named();
    parameters.values().forEach(p -> p.setRequiresGradient(true));
    SplittableRandom random = new SplittableRandom(1);
    long[] ids = new long[batch * (length + 1)];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextInt(config.vocabSize());
    }
    List<SftTrainer.Tokenized> examples = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      long[] row = java.util.Arrays.copyOfRange(ids, b * (length + 1), (b + 1) * (length + 1));
      float[] mask = new float[row.length];
      java.util.Arrays.fill(mask, 1f);
      examples.add(new SftTrainer.Tokenized(row, mask));
    }
    int[] all = java.util.stream.IntStream.range(0, batch).toArray();
    try (AdamW optimizer = new AdamW(model.manager(), parameters, 0.9, 0.95, 1e-8, 0.01)) {
      long timed = 0;
      long began = 0;
      long inOptimizer = 0;
      for (int step = 0; step < steps + 2; step++) {
        if (step == 2) {
          began = System.nanoTime();
          inOptimizer = 0;
        }
        try (GradientCollector collector = Engines.pytorch().newGradientCollector();
            NDManager scope = model.manager().newSubManager()) {
          SftTrainer.Batch b = SftTrainer.Batch.of(scope, examples, all);
          NDArray logits = Llama.forward(config, model.weights(), b.inputs(), b.positions(),
              Llama.causalMask(scope, b.length()), null);
          collector.backward(SftTrainer.maskedNll(logits, b.targets(), b.mask())
              .div(Tensors.scalar(scope, b.realTokens())));
        }
        long updating = System.nanoTime();
        optimizer.update(1e-3, Math.min(1, 1 / optimizer.gradientNorm()));
        inOptimizer += System.nanoTime() - updating;
        if (step >= 2) {
          timed += (long) batch * length;
        }
      }
      long elapsed = System.nanoTime() - began;
      // The update is elementwise over every parameter (about 20 passes over the weights' size): on a large model
      // a share of the step that no GEMM speed-up touches.
      System.out.printf("SFT, batch %d x %d: %.0f%% of the step time in the gradient norm and AdamW%n", batch, length,
          100.0 * inOptimizer / elapsed);
      return timed / (elapsed / 1e9);
    }
  }

  static void generate(String name, LlamaConfig config, boolean batches) {
    try (LocalModel model = LocalModel.random(config, 2, null)) {
      SplittableRandom random = new SplittableRandom(3);
      List<long[]> prompts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        long[] p = new long[32];
        for (int j = 0; j < p.length; j++) {
          p[j] = 1 + random.nextInt(config.vocabSize() - 1);
        }
        prompts.add(p);
      }
      GenerationSettings settings = new GenerationSettings(256, 0, 1, List.of(), 0);
      double cached = timeGeneration(model, prompts.subList(0, 1), settings, true);
      double recomputed = timeGeneration(model, prompts.subList(0, 1), settings, false);
      System.out.printf("%s (%.1fM params) generation, 256 new tokens after 32, one prompt: KV cache %.1f tokens/s,"
          + " recomputing the prefix %.1f tokens/s: speed-up %.1fx%n", name, config.parameterCount() / 1e6, cached,
          recomputed, cached / recomputed);
      if (batches) {
        double batched = timeGeneration(model, prompts, settings, true);
        double batchedRecomputed = timeGeneration(model, prompts, settings, false);
        System.out.printf("%s generation, batch of 8: KV cache %.1f tokens/s, recomputing %.1f tokens/s: speed-up"
            + " %.1fx; batched against one prompt at a time (with cache): %.1fx%n", name, batched, batchedRecomputed,
            batched / batchedRecomputed, batched / cached);
      }
    }
  }

  private static double timeGeneration(LocalModel model, List<long[]> prompts, GenerationSettings settings,
      boolean cache) {
    long t = System.nanoTime();
    var outputs = Sampler.generateIds(model, prompts, settings, Set.of(), cache, ids -> "");
    double seconds = (System.nanoTime() - t) / 1e9;
    long tokens = outputs.stream().mapToLong(o -> o.ids().length).sum();
    return tokens / seconds;
  }

  static String status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).strip();
      }
    }
    return "?";
  }
}
