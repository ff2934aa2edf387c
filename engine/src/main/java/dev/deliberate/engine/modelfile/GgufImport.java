package dev.deliberate.engine.modelfile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.io.AtomicFiles;
import dev.deliberate.io.Json;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.network.LlamaWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A Llama GGUF file as a Hugging Face model directory: {@code config.json} from the {@code llama.*} keys,
 * {@code model.safetensors} (F32) from the dequantized tensors under their Hugging Face names,
 * {@code tokenizer.json}, {@code tokenizer_config.json} (with the chat template), {@code special_tokens_map.json}
 * and {@code generation_config.json}.
 *
 * <p>llama.cpp's converter reorders the rows of the query and key projections of every head: Hugging Face keeps
 * the two rotary halves of a head apart (rows {@code 0..d/2-1}, then {@code d/2..d-1}), llama.cpp interleaves them
 * (row {@code 2i + j} is Hugging Face's row {@code j * d/2 + i}). {@link #unpermuteRows} undoes that.
 */
public final class GgufImport {
  private GgufImport() {}

  /** The Hugging Face model config the {@code llama.*} keys describe. */
  public static LlamaConfig config(GgufFile gguf, GgufTokenizer.Vocabulary vocabulary) {
    requireLlama(gguf);
    Object scaling = gguf.metadata().get("llama.rope.scaling.type");
    if (scaling != null && !"none".equals(scaling)) {
      throw new BadInputException(gguf.path() + ": metadata llama.rope.scaling.type: only none is supported, found "
          + GgufFile.describe(scaling));
    }
    int hidden = positiveInt(gguf, "llama.embedding_length");
    int heads = positiveInt(gguf, "llama.attention.head_count");
    int kvHeads = gguf.metadata().containsKey("llama.attention.head_count_kv")
        ? positiveInt(gguf, "llama.attention.head_count_kv") : heads;
    int headDim = gguf.metadata().containsKey("llama.attention.key_length")
        ? positiveInt(gguf, "llama.attention.key_length") : hidden / heads;
    long rotary = gguf.integer("llama.rope.dimension_count", headDim);
    if (rotary != headDim) {
      throw new BadInputException(gguf.path() + ": metadata llama.rope.dimension_count: " + rotary + ", expected the"
          + " head size " + headDim + " (partial rotary embeddings are not supported)");
    }
    int vocab = gguf.metadata().containsKey("llama.vocab_size")
        ? positiveInt(gguf, "llama.vocab_size") : vocabulary.tokens().size();
    boolean tied = gguf.tensor("output.weight") == null;
    List<Integer> eos = vocabulary.eosId() >= 0 ? List.of(vocabulary.eosId()) : List.of();
    try {
      return new LlamaConfig("llama", vocab, hidden, positiveInt(gguf, "llama.feed_forward_length"),
          positiveInt(gguf, "llama.block_count"), heads, kvHeads, headDim,
          (int) Math.min(Integer.MAX_VALUE, gguf.integer("llama.context_length", 2048)),
          gguf.number("llama.attention.layer_norm_rms_epsilon", 1e-5), gguf.number("llama.rope.freq_base", 10000.0),
          tied, false, false, vocabulary.bosId(), eos);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(gguf.path() + ": the llama.* metadata is not a usable config: " + e.getMessage());
    }
  }

  /** Fails unless the file says it holds a Llama model. */
  static void requireLlama(GgufFile gguf) {
    String arch = gguf.string("general.architecture");
    if (!arch.equals("llama")) {
      throw new BadInputException(gguf.path() + ": metadata general.architecture: \"" + arch + "\" is not supported"
          + " (expected \"llama\")");
    }
  }

  private static int positiveInt(GgufFile gguf, String key) {
    long n = gguf.integer(key);
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw new BadInputException(gguf.path() + ": metadata " + key + ": expected a positive integer, found " + n);
    }
    return (int) n;
  }

  /** The Hugging Face name of every GGUF tensor of a Llama layer, by its name after {@code blk.N.}. */
  private static final Map<String, String> LAYER_NAMES = Map.of(
      "attn_norm.weight", "input_layernorm.weight",
      "attn_q.weight", "self_attn.q_proj.weight",
      "attn_k.weight", "self_attn.k_proj.weight",
      "attn_v.weight", "self_attn.v_proj.weight",
      "attn_output.weight", "self_attn.o_proj.weight",
      "ffn_norm.weight", "post_attention_layernorm.weight",
      "ffn_gate.weight", "mlp.gate_proj.weight",
      "ffn_up.weight", "mlp.up_proj.weight",
      "ffn_down.weight", "mlp.down_proj.weight");

  /** The Hugging Face name of a GGUF tensor, or null when a Llama model has no such tensor. */
  static String hfName(String ggufName) {
    switch (ggufName) {
      case "token_embd.weight":
        return "model.embed_tokens.weight";
      case "output_norm.weight":
        return "model.norm.weight";
      case "output.weight":
        return "lm_head.weight";
      default:
        break;
    }
    if (ggufName.startsWith("blk.")) {
      int dot = ggufName.indexOf('.', 4);
      if (dot > 4 && ggufName.substring(4, dot).matches("\\d+")) {
        String rest = LAYER_NAMES.get(ggufName.substring(dot + 1));
        if (rest != null) {
          return "model.layers." + ggufName.substring(4, dot) + "." + rest;
        }
      }
    }
    return null;
  }

  /**
   * Every tensor dequantized to float, under its Hugging Face name, with the query and key rows back in Hugging
   * Face order; checked against the shapes the config asks for.
   */
  public static Map<String, Safetensors.Tensor> tensors(GgufFile gguf, LlamaConfig config) {
    Map<String, long[]> expected = LlamaWeights.expectedShapes(config);
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    for (GgufFile.TensorInfo t : gguf.tensors()) {
      String name = hfName(t.name());
      if (name == null || !expected.containsKey(name)) {
        throw new BadInputException(gguf.path() + ": offset " + t.offset() + ": tensor " + t.name() + ": not a tensor"
            + " of a Llama model with " + config.numLayers() + " layers (expected token_embd, output_norm, output, or"
            + " blk.N.attn_norm/attn_q/attn_k/attn_v/attn_output/ffn_norm/ffn_gate/ffn_up/ffn_down)");
      }
      if (!Arrays.equals(t.shape(), expected.get(name))) {
        throw new BadInputException(gguf.path() + ": tensor " + t.name() + ": shape " + Arrays.toString(t.shape())
            + " (row-major), expected " + Arrays.toString(expected.get(name)) + " from the llama.* metadata");
      }
      float[] data = gguf.dequantize(t);
      if (name.endsWith("q_proj.weight")) {
        data = unpermuteRows(data, config.numHeads(), config.headDim(), config.hiddenSize());
      } else if (name.endsWith("k_proj.weight")) {
        data = unpermuteRows(data, config.numKvHeads(), config.headDim(), config.hiddenSize());
      }
      tensors.put(name, new Safetensors.Tensor(t.shape(), data));
    }
    for (String name : expected.keySet()) {
      if (!tensors.containsKey(name)) {
        throw new BadInputException(gguf.path() + ": tensor for " + name + ": missing (the llama.* metadata asks for it)");
      }
    }
    return tensors;
  }

  /**
   * Undoes llama.cpp's row order for a query or key projection {@code [heads * headDim, columns]}: within each
   * head, GGUF row {@code 2i + j} becomes row {@code j * headDim/2 + i}.
   */
  public static float[] unpermuteRows(float[] gguf, int heads, int headDim, int columns) {
    if ((long) heads * headDim * columns != gguf.length) {
      throw new IllegalArgumentException(heads + " heads of " + headDim + " rows of " + columns + " do not make "
          + gguf.length + " values");
    }
    float[] hf = new float[gguf.length];
    int half = headDim / 2;
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < half; i++) {
        for (int j = 0; j < 2; j++) {
          int from = h * headDim + 2 * i + j;
          int to = h * headDim + j * half + i;
          System.arraycopy(gguf, from * columns, hf, to * columns, columns);
        }
      }
    }
    return hf;
  }

  /**
   * Writes the model directory {@code out} from the GGUF file, all or nothing: everything goes to a temporary
   * sibling directory that is renamed to {@code out} at the end. {@code out} must not exist yet.
   */
  public static void importFile(Path file, Path out, Consumer<String> progress) {
    if (Files.exists(out)) {
      throw new BadInputException(out + ": already exists (expected a new directory to import into)");
    }
    GgufFile gguf = GgufFile.read(file);
    requireLlama(gguf);
    GgufTokenizer.Vocabulary vocabulary = GgufTokenizer.vocabulary(gguf);
    LlamaConfig config = config(gguf, vocabulary);
    if (vocabulary.tokens().size() != config.vocabSize()) {
      throw new BadInputException(file + ": metadata tokenizer.ggml.tokens: " + vocabulary.tokens().size()
          + " tokens, expected llama.vocab_size " + config.vocabSize());
    }
    Path absolute = out.toAbsolutePath();
    Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".importing-" + ProcessHandle.current().pid());
    try {
      AtomicFiles.deleteRecursively(tmp);
      Files.createDirectories(tmp);
      Map<GgmlType, Long> types = new TreeMap<>();
      gguf.tensors().forEach(t -> types.merge(t.type(), 1L, Long::sum));
      progress.accept("importing " + file + " (GGUF v" + gguf.version() + ", " + gguf.tensors().size() + " tensors: "
          + types.toString().replaceAll("[{}]", "").replace('=', ' ') + ") into " + out);
      Map<String, Safetensors.Tensor> tensors = tensors(gguf, config);
      Safetensors.write(tmp.resolve("model.safetensors"), tensors,
          Map.of("format", "pt", "source", "gguf", "source_sha256", sha256(file)));
      tensors.clear();
      // With generation markers, so that TRL's assistant_only_loss trains what our SFT trainer trains.
      String template = ChatFormat.withGenerationMarkers(
          gguf.metadata().get("tokenizer.chat_template") instanceof String s ? s : null);
      writeJson(tmp.resolve("tokenizer.json"), GgufTokenizer.tokenizerJson(vocabulary));
      writeJson(tmp.resolve("tokenizer_config.json"),
          GgufTokenizer.tokenizerConfig(vocabulary, template, config.maxPositions()));
      writeJson(tmp.resolve("special_tokens_map.json"), GgufTokenizer.specialTokensMap(vocabulary));
      writeJson(tmp.resolve("generation_config.json"), generationConfig(vocabulary));
      writeJson(tmp.resolve("config.json"), config.toJson());
      Files.createDirectories(absolute.getParent());
      moveDirectory(tmp, absolute);
    } catch (IOException e) {
      throw new UncheckedIOException(out + ": cannot write the imported model (" + e.getMessage() + ")", e);
    } finally {
      try {
        AtomicFiles.deleteRecursively(tmp);
      } catch (IOException e) {
        progress.accept("warning: could not remove " + tmp + ": " + e.getMessage());
      }
    }
  }

  private static void moveDirectory(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /**
   * The model directory of a GGUF file in the cache ({@code CACHE/gguf/SHA256}), imported on first use. Two
   * processes importing the same file at once both finish; the first rename wins.
   */
  public static Path cached(Path file, Path cacheRoot, Consumer<String> progress) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": no such file");
    }
    Path dir = cacheRoot.resolve("gguf").resolve(sha256(file));
    if (Files.isRegularFile(dir.resolve("config.json"))) {
      return dir;
    }
    try {
      importFile(file, dir, progress);
    } catch (RuntimeException e) {
      // Another process may have finished the same import first; its directory is as good as ours.
      if (!Files.isRegularFile(dir.resolve("config.json"))) {
        throw e;
      }
    }
    return dir;
  }

  static ObjectNode generationConfig(GgufTokenizer.Vocabulary v) {
    ObjectNode gen = Json.mapper().createObjectNode();
    if (v.bosId() >= 0) {
      gen.put("bos_token_id", v.bosId());
    }
    if (v.eosId() >= 0) {
      gen.put("eos_token_id", v.eosId());
    }
    if (v.padId() >= 0) {
      gen.put("pad_token_id", v.padId());
    }
    return gen;
  }

  private static void writeJson(Path file, Object value) throws IOException {
    AtomicFiles.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
  }

  private static String sha256(Path file) {
    try {
      return Hashes.sha256Hex(file);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    }
  }
}
