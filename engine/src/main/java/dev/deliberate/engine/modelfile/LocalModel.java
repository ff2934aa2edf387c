package dev.deliberate.engine.modelfile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.network.Llama;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.network.LlamaWeights;
import dev.deliberate.engine.network.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A Llama-family model directory in Hugging Face layout, loaded: {@code config.json}, {@code model.safetensors},
 * and (read when first needed) {@code tokenizer.json}, {@code tokenizer_config.json} and
 * {@code generation_config.json}. The weights live in the model's own native memory, released by {@link #close()}.
 */
public final class LocalModel implements AutoCloseable {
  /** The files that describe the tokenizer and chat format; copied along when a model is saved elsewhere. */
  static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
      ChatFormat.TEMPLATE_FILE, "special_tokens_map.json", "generation_config.json");

  private final Path dir;
  private final LlamaConfig config;
  private final NDManager manager;
  private final LlamaWeights weights;
  private TextTokenizer tokenizer;
  private ChatFormat chatFormat;

  LocalModel(Path dir, LlamaConfig config, NDManager manager, LlamaWeights weights) {
    this.dir = dir;
    this.config = config;
    this.manager = manager;
    this.weights = weights;
  }

  /** Loads the model directory; a missing or invalid file is a {@link BadInputException} naming it. */
  public static LocalModel open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(dir + ": not a model directory (expected config.json and model.safetensors in it)");
    }
    LlamaConfig config = LlamaConfig.read(dir);
    NDManager manager = Engines.pytorch().newBaseManager();
    try {
      return new LocalModel(dir, config, manager, LlamaWeights.load(config, dir, manager));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Loads the model directory for inference with its matrices stored as {@code matrices} (float32 as in
   * {@link #open(Path)}, or float16: half the memory and, at batch 1, a faster decoding step, at float16
   * rounding of weights and of the inputs of every matrix product). Not for training: the optimizer works in
   * float32.
   */
  public static LocalModel open(Path dir, DataType matrices) {
    LocalModel model = open(dir);
    if (matrices == DataType.FLOAT32) {
      return model;
    }
    LlamaWeights narrow = model.weights.withMatrices(matrices, model.manager);
    // The float32 matrices are not needed any more; the norms are shared with the converted weights.
    model.weights.named().forEach((name, array) -> {
      if (!name.endsWith("norm.weight")) {
        array.close();
      }
    });
    return new LocalModel(model.dir, model.config, model.manager, narrow);
  }

  /** A model with fresh random weights (see {@link LlamaWeights#randomTensors}); {@code dir} may be null. */
  public static LocalModel random(LlamaConfig config, long seed, Path dir) {
    NDManager manager = Engines.pytorch().newBaseManager();
    LlamaWeights weights = LlamaWeights.fromTensors(config, LlamaWeights.randomTensors(config, seed), manager, "random");
    return new LocalModel(dir, config, manager, weights);
  }

  public LlamaConfig config() {
    return config;
  }

  public LlamaWeights weights() {
    return weights;
  }

  public NDManager manager() {
    return manager;
  }

  /** The directory this model was loaded from (null for an unsaved random model). */
  public Path dir() {
    return dir;
  }

  /** The tokenizer of the directory, loaded on first use. */
  public synchronized TextTokenizer tokenizer() {
    if (tokenizer == null) {
      tokenizer = TextTokenizer.open(dir);
    }
    return tokenizer;
  }

  /** The chat format named by the directory's {@code tokenizer_config.json}. */
  public synchronized ChatFormat chatFormat() {
    if (chatFormat == null) {
      chatFormat = ChatFormat.of(dir, tokenizer());
    }
    return chatFormat;
  }

  /**
   * Logits of every position for one sequence of token ids.
   *
   * @return {@code [T][V]}
   */
  public float[][] logits(long[] ids) {
    for (long id : ids) {
      if (id < 0 || id >= config.vocabSize()) {
        throw new BadInputException("token id " + id + " is outside the vocabulary [0, " + config.vocabSize() + ")");
      }
    }
    int t = ids.length;
    try (NDManager scope = manager.newSubManager()) {
      NDArray idArray = Tensors.of(scope, ids, new Shape(1, t));
      long[] positions = new long[t];
      for (int i = 0; i < t; i++) {
        positions[i] = i;
      }
      NDArray logits = Llama.infer(config, weights, idArray, Tensors.of(scope, positions, new Shape(1, t)),
          Llama.causalMask(scope, t), null);
      float[] flat = logits.toFloatArray();
      int v = config.vocabSize();
      float[][] out = new float[t][v];
      for (int i = 0; i < t; i++) {
        System.arraycopy(flat, i * v, out[i], 0, v);
      }
      return out;
    }
  }

  /**
   * Writes the model as a Hugging Face directory: {@code config.json}, {@code model.safetensors}, and the
   * tokenizer files of the directory it came from. The directory is complete once {@code config.json} appears.
   */
  public void save(Path out) throws IOException {
    Files.createDirectories(out);
    weights.save(out);
    if (dir != null && !dir.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      for (String name : TOKENIZER_FILES) {
        if (Files.exists(dir.resolve(name))) {
          Files.copy(dir.resolve(name), out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    writeJson(out.resolve("config.json"), config.toJson());
  }

  /** Writes JSON atomically (temporary file, then rename). */
  public static void writeJson(Path file, Object value) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Json.mapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
    manager.close();
  }
}
