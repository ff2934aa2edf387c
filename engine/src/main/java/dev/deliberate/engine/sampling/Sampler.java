package dev.deliberate.engine.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.deliberate.BadInputException;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.TextTokenizer;
import dev.deliberate.engine.network.KvCache;
import dev.deliberate.engine.network.Llama;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.network.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Batched sampling with a KV cache. Prompts are left-padded to one length so every row appends its next token at
 * the same step; padding is masked out of attention and does not advance rotary positions. Each row draws from
 * its own random stream, seeded by the settings' seed and the row index.
 */
public final class Sampler {
  /**
   * The most prompt positions fed in one pass. A pass holds attention scores of rows x heads x positions x keys
   * floats, quadratic in a prompt fed whole: a served SmolLM2 request of a few thousand tokens at batch 2 was
   * OOM-killed at 24 GB. In chunks the scores grow linearly; prompts up to this length are fed whole as before.
   */
  static final int PREFILL_CHUNK = 512;

  private Sampler() {}

  /** One sampled continuation: its text (stop text removed), ids, and why it ended ("stop" or "length"). */
  public record Output(String text, long[] ids, String finishReason, int promptTokens) {}

  /**
   * Told after every sampled token of a row: the text so far, or, once the row has ended, its final text (stop text
   * removed). Before the end the text leaves out what may still change: a trailing incomplete character and an
   * ending that could be the start of a stop string. It is only told; sampling is the same with or without it.
   */
  @FunctionalInterface
  public interface StepListener {
    void step(int row, String text, boolean finished);
  }

  /** Samples one continuation per prompt text. */
  public static List<Output> generate(LocalModel model, List<String> prompts, GenerationSettings settings) {
    TextTokenizer tokenizer = model.tokenizer();
    List<long[]> encoded = prompts.stream().map(tokenizer::encode).toList();
    return generateIds(model, encoded, settings, stopIds(model), true, tokenizer::decode);
  }

  /** Token ids that end a turn: the config's end-of-sequence ids and the chat format's stop token. */
  public static Set<Long> stopIds(LocalModel model) {
    Set<Long> ids = new HashSet<>();
    model.config().eosTokenIds().forEach(id -> ids.add((long) id));
    try {
      model.tokenizer().singleTokenId(model.chatFormat().stop()).ifPresent(ids::add);
    } catch (BadInputException e) {
      // A model without a chat format still stops at its end-of-sequence ids.
    }
    return ids;
  }

  /**
   * The sampling loop on token ids. With {@code useCache} false every step recomputes the whole prefix (the
   * baseline the benchmark compares the cache against).
   */
  public static List<Output> generateIds(LocalModel model, List<long[]> prompts, GenerationSettings settings,
      Set<Long> stopIds, boolean useCache, Function<long[], String> decoder) {
    int[] streams = new int[prompts.size()];
    Arrays.setAll(streams, r -> r);
    return generateRows(model, prompts, java.util.Collections.nCopies(prompts.size(), settings), streams, stopIds,
        useCache, decoder);
  }

  /**
   * The sampling loop with settings of its own for each row (temperature, top-p, stop strings, budget, seed), so
   * that requests that differ still share one batch: row r draws from the random stream numbered
   * {@code streams[r]} of its own seed, so a row samples what it would sample alone (up to the float rounding of
   * another batch shape).
   */
  public static List<Output> generateRows(LocalModel model, List<long[]> prompts, List<GenerationSettings> rowSettings,
      int[] streams, Set<Long> stopIds, boolean useCache, Function<long[], String> decoder) {
    return generateRows(model, prompts, rowSettings, streams, stopIds, useCache, decoder, null);
  }

  /** The same, telling {@code listener} (when not null) each row's text after every step. */
  public static List<Output> generateRows(LocalModel model, List<long[]> prompts, List<GenerationSettings> rowSettings,
      int[] streams, Set<Long> stopIds, boolean useCache, Function<long[], String> decoder, StepListener listener) {
    LlamaConfig c = model.config();
    int rows = prompts.size();
    if (rowSettings.size() != rows || streams.length != rows) {
      throw new IllegalArgumentException("one setting and one stream per prompt: " + rows + " prompts, "
          + rowSettings.size() + " settings, " + streams.length + " streams");
    }
    int promptLength = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
    if (promptLength == 0) {
      throw new BadInputException("cannot generate from an empty prompt");
    }
    if (promptLength >= c.maxPositions()) {
      throw new BadInputException("the prompt has " + promptLength + " tokens; the model's context is "
          + c.maxPositions() + " (max_position_embeddings in config.json)");
    }
    int[] budgets = new int[rows];
    for (int r = 0; r < rows; r++) {
      budgets[r] = Math.min(rowSettings.get(r).maxNewTokens(), c.maxPositions() - promptLength);
    }
    int budget = Arrays.stream(budgets).max().orElse(0);
    int[] pads = new int[rows];
    long[][] sequences = new long[rows][];
    for (int r = 0; r < rows; r++) {
      pads[r] = promptLength - prompts.get(r).length;
      sequences[r] = new long[promptLength + budget];
      System.arraycopy(prompts.get(r), 0, sequences[r], pads[r], prompts.get(r).length);
    }
    SplittableRandom[] randoms = new SplittableRandom[rows];
    for (int r = 0; r < rows; r++) {
      randoms[r] = new SplittableRandom(rowSettings.get(r).seed() * 0x9E3779B97F4A7C15L + streams[r]);
    }
    List<List<Long>> generated = new ArrayList<>();
    String[] finish = new String[rows];
    String[] texts = new String[rows];
    for (int r = 0; r < rows; r++) {
      generated.add(new ArrayList<>());
    }
    int length = promptLength;
    try (NDManager scope = model.manager().newSubManager();
        KvCache cache = useCache ? new KvCache(scope, c.numLayers(), promptLength + budget) : null) {
      int fed = 0;
      while (true) {
        float[] last = null;
        // Feed what the model has not seen: the prompt first, in chunks of at most PREFILL_CHUNK positions, then
        // one token per row (or, without a cache, everything again at once).
        while (last == null) {
          int from = useCache ? fed : 0;
          int upTo = useCache ? Math.min(length, from + PREFILL_CHUNK) : length;
          last = feed(model, sequences, pads, rows, from, upTo, scope, cache, upTo == length);
          fed = upTo;
        }
        boolean allDone = true;
        for (int r = 0; r < rows; r++) {
          long next = 0;
          if (finish[r] == null) {
            GenerationSettings settings = rowSettings.get(r);
            next = sample(Arrays.copyOfRange(last, r * c.vocabSize(), (r + 1) * c.vocabSize()), settings, randoms[r]);
            finishRow(decoder, settings, stopIds, next, generated.get(r), finish, texts, r, budgets[r]);
            if (listener != null) {
              listener.step(r, finish[r] != null ? texts[r]
                  : settledPrefix(decode(decoder, generated.get(r)), settings.stop()), finish[r] != null);
            }
          }
          sequences[r][length] = next;
          allDone &= finish[r] != null;
        }
        length++;
        if (allDone) {
          break;
        }
      }
    }
    List<Output> outputs = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      long[] ids = generated.get(r).stream().mapToLong(Long::longValue).toArray();
      outputs.add(new Output(texts[r], ids, finish[r], prompts.get(r).length));
    }
    return outputs;
  }

  /**
   * Runs positions {@code from} (inclusive) to {@code upTo} (exclusive) of every row through the model, their keys
   * and values joining the cache; returns the next-token logits of position {@code upTo - 1}, {@code [rows * V]},
   * when {@code wanted}, else null.
   */
  private static float[] feed(LocalModel model, long[][] sequences, int[] pads, int rows, int from, int upTo,
      NDManager scope, KvCache cache, boolean wanted) {
    try (NDManager step = scope.newSubManager()) {
      int t = upTo - from;
      long[] ids = new long[rows * t];
      long[] positions = new long[rows * t];
      float[] mask = new float[rows * t * upTo];
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < t; i++) {
          int at = from + i;
          ids[r * t + i] = sequences[r][at];
          positions[r * t + i] = Math.max(0, at - pads[r]);
          for (int j = 0; j < upTo; j++) {
            boolean visible = j <= at && j >= pads[r];
            mask[(r * t + i) * upTo + j] = visible ? 0f : Llama.MASKED;
          }
        }
      }
      NDArray logits = Llama.nextTokenLogits(model.config(), model.weights(), Tensors.of(step, ids, new Shape(rows, t)),
          Tensors.of(step, positions, new Shape(rows, t)), Tensors.of(step, mask, new Shape(rows, 1, 1, t, upTo)), cache);
      return wanted ? logits.toFloatArray() : null;
    }
  }

  /** Records the sampled token of a row and decides whether the row is finished. */
  private static void finishRow(Function<long[], String> decoder, GenerationSettings settings, Set<Long> stopIds, long next,
      List<Long> tokens, String[] finish, String[] texts, int r, int budget) {
    if (stopIds.contains(next)) {
      finish[r] = "stop";
      texts[r] = decode(decoder, tokens);
      return;
    }
    tokens.add(next);
    if (!settings.stop().isEmpty() || tokens.size() >= budget) {
      String text = decode(decoder, tokens);
      int cut = firstStop(text, settings.stop());
      if (cut >= 0) {
        finish[r] = "stop";
        texts[r] = text.substring(0, cut);
      } else if (tokens.size() >= budget) {
        finish[r] = "length";
        texts[r] = text;
      }
    }
  }

  /** {@code text} without what a later token may still change: an incomplete last character, a stop string's start. */
  static String settledPrefix(String text, List<String> stops) {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
      end--;
    }
    int cut = end;
    for (String s : stops) {
      for (int k = Math.min(s.length() - 1, end); k > 0; k--) {
        if (text.startsWith(s.substring(0, k), end - k)) {
          cut = Math.min(cut, end - k);
          break;
        }
      }
    }
    return text.substring(0, cut);
  }

  private static String decode(Function<long[], String> decoder, List<Long> tokens) {
    return decoder.apply(tokens.stream().mapToLong(Long::longValue).toArray());
  }

  private static int firstStop(String text, List<String> stops) {
    int cut = -1;
    for (String s : stops) {
      int at = text.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
      }
    }
    return cut;
  }

  /** Draws a token: greedy at temperature 0, else from the smallest top set whose probability reaches top-p. */
  static long sample(float[] logits, GenerationSettings settings, SplittableRandom random) {
    if (settings.temperature() == 0) {
      int best = 0;
      for (int i = 1; i < logits.length; i++) {
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      return best;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp((logits[i] - max) / settings.temperature());
      sum += p[i];
    }
    Integer[] order = new Integer[logits.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      p[i] /= sum;
    }
    Arrays.sort(order, (a, b) -> p[b] != p[a] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
    int keep = 0;
    double mass = 0;
    while (keep < order.length && (keep == 0 || mass < settings.topP())) {
      mass += p[order[keep++]];
    }
    double u = random.nextDouble() * mass;
    for (int i = 0; i < keep; i++) {
      u -= p[order[i]];
      if (u <= 0) {
        return order[i];
      }
    }
    return order[keep - 1];
  }
}
