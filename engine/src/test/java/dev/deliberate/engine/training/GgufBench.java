package dev.deliberate.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.sampling.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Benchmarks on a real GGUF model (run {@code bench/engine-decode.sh}, which measures llama.cpp's baseline in the
 * same run and passes it in): greedy decoding with the KV cache at batch 1 and 8 against llama.cpp's batch-1
 * tokens/s, and SFT steps at the model's shapes against a GEMM peak measured at those shapes.
 *
 * <p>{@code decode FILE.gguf NEW_TOKENS REPEATS LLAMA_IDS PROMPT...}: the first prompt is the batch-1 prompt
 * (the one llama.cpp decoded, its greedy ids comma-separated in LLAMA_IDS); batch 8 takes the first 8 prompts.
 * Prints the best of REPEATS runs and every run; the script sets them beside llama.cpp's figure.
 * {@code train FILE.gguf BATCH LENGTH STEPS}.
 */
public final class GgufBench {
  private GgufBench() {}

  public static void main(String[] args) throws IOException {
    Engines.pytorch();
    System.out.println("threads: " + System.getProperty("ai.djl.pytorch.num_threads") + ", load average: "
        + Files.readString(Path.of("/proc/loadavg")).strip());
    Path dir = ModelDirs.resolve("local:" + args[1], line -> {});
    if (args[0].equals("decode")) {
      List<long[]> reference = null;
      for (DataType format : List.of(DataType.FLOAT32, DataType.FLOAT16)) {
        try (LocalModel model = LocalModel.open(dir, format)) {
          List<long[]> greedy = decode(model, format, Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4],
              Arrays.asList(args).subList(5, args.length));
          if (reference == null) {
            reference = greedy;
          } else {
            System.out.printf("%s greedy tokens the same as float32's: %d of %d%n", format, sameTokens(reference,
                greedy), reference.stream().mapToInt(ids -> ids.length).sum());
          }
        }
      }
    } else {
      try (LocalModel model = LocalModel.open(dir)) {
        train(model, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      }
    }
    System.out.println("peak resident memory (VmHWM): " + EngineBench.status("VmHWM"));
  }

  /** Prints the decoding figures of one weight format; returns its greedy tokens of the 8 prompts. */
  static List<long[]> decode(LocalModel model, DataType format, int newTokens, int repeats, String llamaIds,
      List<String> prompts) {
    List<long[]> encoded = prompts.stream().map(model.tokenizer()::encode).toList();
    List<long[]> one = encoded.subList(0, 1);
    List<long[]> eight = encoded.subList(0, 8);
    decodeSeconds(model, one, newTokens); // warm-up
    decodeSeconds(model, eight, newTokens);
    double best1 = 0;
    double best8 = 0;
    List<String> all1 = new ArrayList<>();
    List<String> all8 = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      double rate1 = newTokens / decodeSeconds(model, one, newTokens);
      double rate8 = 8.0 * newTokens / decodeSeconds(model, eight, newTokens);
      best1 = Math.max(best1, rate1);
      best8 = Math.max(best8, rate8);
      all1.add(String.format("%.1f", rate1));
      all8.add(String.format("%.1f", rate8));
    }
    List<long[]> greedy = Sampler.generateIds(model, eight, greedy(newTokens), Set.of(), true, ids -> "").stream()
        .map(Sampler.Output::ids).toList();
    long[] theirs = Arrays.stream(llamaIds.split(",")).mapToLong(Long::parseLong).toArray();
    System.out.printf("%s: prompt of %d tokens, %d new greedy tokens; the first %d the same as llama.cpp's"
        + " (it computes in quantized arithmetic)%n", format, encoded.get(0).length, newTokens,
        sameTokens(List.of(greedy.get(0)), List.of(theirs)));
    System.out.printf("decode, %s, batch 1: %.1f tokens/s (runs %s)%n", format, best1, String.join(" ", all1));
    System.out.printf("decode, %s, batch 8: %.1f tokens/s (runs %s)%n", format, best8, String.join(" ", all8));
    return greedy;
  }

  /** Summed over rows: how many leading tokens of each row agree. */
  static int sameTokens(List<long[]> a, List<long[]> b) {
    int same = 0;
    for (int r = 0; r < a.size(); r++) {
      int i = 0;
      while (i < Math.min(a.get(r).length, b.get(r).length) && a.get(r)[i] == b.get(r)[i]) {
        i++;
      }
      same += i;
    }
    return same;
  }

  /**
   * Seconds of the decoding steps alone: a generation of {@code newTokens + 1} tokens (the prefill and
   * {@code newTokens} one-token steps) minus one of a single token (the prefill alone), as llama.cpp's side times
   * {@code newTokens} steps after its prefill. No stop ids, so every row decodes every step.
   */
  static double decodeSeconds(LocalModel model, List<long[]> prompts, int newTokens) {
    long t0 = System.nanoTime();
    Sampler.generateIds(model, prompts, greedy(1), Set.of(), true, ids -> "");
    long t1 = System.nanoTime();
    Sampler.generateIds(model, prompts, greedy(newTokens + 1), Set.of(), true, ids -> "");
    long t2 = System.nanoTime();
    return ((t2 - t1) - (t1 - t0)) / 1e9;
  }

  private static GenerationSettings greedy(int newTokens) {
    return new GenerationSettings(newTokens, 0, 1, List.of(), 0);
  }

  static void train(LocalModel model, int batch, int length, int steps) {
    LlamaConfig c = model.config();
    // The peaks are measured before and after the training steps and the higher one kept: on a shared machine a
    // peak measured in a quiet moment alone would flatter (or a busy one sink) the ratio.
    double squarePeak = EngineBench.gemmPeak();
    double shapesPeak = trainingGemmPeak(c, batch * length);
    double tokensPerSecond = EngineBench.train(model, batch, length, steps);
    double shapesAfter = trainingGemmPeak(c, batch * length);
    System.out.printf("GEMM peak at the training shapes: %.1f GFLOP/s before the steps, %.1f after%n",
        shapesPeak / 1e9, shapesAfter / 1e9);
    shapesPeak = Math.max(shapesPeak, shapesAfter);
    squarePeak = Math.max(squarePeak, EngineBench.gemmPeak());
    double achieved = tokensPerSecond * EngineBench.trainingFlopsPerToken(c, length);
    System.out.printf("SFT, %.1fM params, batch %d x %d: %.1f tokens/s, %.1f GFLOP/s model FLOPs%n",
        c.parameterCount() / 1e6, batch, length, tokensPerSecond, achieved / 1e9);
    System.out.printf("GEMM peak at the model's training shapes: %.1f GFLOP/s | MFU %.2f (target 0.40)%n",
        shapesPeak / 1e9, achieved / shapesPeak);
    System.out.printf("GEMM peak of a 1024^3 matmul: %.1f GFLOP/s | MFU %.2f%n", squarePeak / 1e9,
        achieved / squarePeak);
  }

  /**
   * FLOP/s of the training step's matrix products at the model's shapes, one layer's worth plus the head: for each
   * weight [out, in] with M = batch x length rows, the forward product [M, in] x [in, out], and the backward
   * products for the input gradient ([M, out] x [out, in]) and the weight gradient ([out, M] x [M, in]). Each
   * product's time is its best of a few runs; the peak is their total FLOPs over their total time.
   */
  static double trainingGemmPeak(LlamaConfig c, int m) {
    long d = c.hiddenSize();
    long q = (long) c.numHeads() * c.headDim();
    long kv = (long) c.numKvHeads() * c.headDim();
    long f = c.intermediateSize();
    long[][] weights = {{q, d}, {kv, d}, {kv, d}, {d, q}, {f, d}, {f, d}, {d, f}, {c.vocabSize(), d}};
    double flops = 0;
    double seconds = 0;
    try (NDManager manager = Engines.pytorch().newBaseManager()) {
      for (long[] w : weights) {
        long out = w[0];
        long in = w[1];
        seconds += bestSeconds(manager, new Shape(m, in), new Shape(in, out));
        seconds += bestSeconds(manager, new Shape(m, out), new Shape(out, in));
        seconds += bestSeconds(manager, new Shape(out, m), new Shape(m, in));
        flops += 3 * 2.0 * m * in * out;
      }
    }
    return flops / seconds;
  }

  private static double bestSeconds(NDManager manager, Shape a, Shape b) {
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.randomNormal(a);
      NDArray y = scope.randomNormal(b);
      double best = Double.MAX_VALUE;
      for (int rep = 0; rep < 5; rep++) {
        try (NDManager step = scope.newSubManager()) {
          step.tempAttachAll(x, y);
          long t = System.nanoTime();
          x.matMul(y).get(0, 0).getFloat();
          best = Math.min(best, (System.nanoTime() - t) / 1e9);
        }
      }
      return best;
    }
  }
}
