package dev.deliberate.engine.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a Llama-family decoder, as Hugging Face's {@code config.json} states it for Llama and Qwen2
 * models. {@code qkvBias} is true for Qwen2 (biases on the q/k/v projections); {@code outputBias} is Llama's
 * {@code attention_bias} applied to the output projection as well.
 */
public record LlamaConfig(
    String modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    int maxPositions,
    double rmsNormEps,
    double ropeTheta,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    boolean outputBias,
    int bosTokenId,
    List<Integer> eosTokenIds) {

  public LlamaConfig {
    if (!modelType.equals("llama") && !modelType.equals("qwen2")) {
      throw new IllegalArgumentException("model_type must be llama or qwen2, was " + modelType);
    }
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", numLayers);
    positive("num_attention_heads", numHeads);
    positive("num_key_value_heads", numKvHeads);
    positive("head_dim", headDim);
    positive("max_position_embeddings", maxPositions);
    if (numHeads % numKvHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads (" + numHeads + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim must be even for rotary embeddings, was " + headDim);
    }
    if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
      throw new IllegalArgumentException("rms_norm_eps and rope_theta must be positive");
    }
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  /** A Llama config with the usual defaults: tied embeddings, no biases, rope_theta 10000. */
  public static LlamaConfig llama(
      int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads,
      int maxPositions, int bosTokenId, int eosTokenId) {
    return new LlamaConfig("llama", vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
        hiddenSize / numHeads, maxPositions, 1e-5, 10000.0, true, false, false, bosTokenId, List.of(eosTokenId));
  }

  /** Query heads that share one key/value head. */
  public int groupSize() {
    return numHeads / numKvHeads;
  }

  /** Parameters in the network (tied embeddings counted once). */
  public long parameterCount() {
    long q = (long) hiddenSize * numHeads * headDim;
    long kv = 2L * hiddenSize * numKvHeads * headDim;
    long o = (long) numHeads * headDim * hiddenSize;
    long mlp = 3L * hiddenSize * intermediateSize;
    long norms = 2L * hiddenSize;
    long biases = (qkvBias ? (long) (numHeads + 2 * numKvHeads) * headDim : 0) + (outputBias ? hiddenSize : 0);
    long perLayer = q + kv + o + mlp + norms + biases;
    long embeddings = (long) vocabSize * hiddenSize * (tieWordEmbeddings ? 1 : 2);
    return numLayers * perLayer + embeddings + hiddenSize;
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
  }

  /** Reads {@code DIR/config.json}; a missing file or field is a {@link BadInputException} naming both. */
  public static LlamaConfig read(Path dir) {
    Path file = dir.resolve("config.json");
    JsonNode root;
    try {
      root = Json.mapper().readTree(file.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new BadInputException(file + ": no such file (a model directory needs config.json)");
    } catch (IOException e) {
      throw new BadInputException(file + ": not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new BadInputException(file + ": expected a JSON object");
    }
    try {
      return fromJson(root, file);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(file + ": " + e.getMessage());
    }
  }

  static LlamaConfig fromJson(JsonNode root, Path file) {
    String type = root.path("model_type").asText("");
    if (!type.equals("llama") && !type.equals("qwen2")) {
      throw new BadInputException(file + ": field model_type: expected \"llama\" or \"qwen2\" (a Llama-family"
          + " decoder), was " + (type.isEmpty() ? "missing" : "\"" + type + "\""));
    }
    String act = root.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw new BadInputException(file + ": field hidden_act: only \"silu\" is supported, was \"" + act + "\"");
    }
    // transformers 5 writes the rotary settings as rope_parameters {rope_theta, rope_type}, older releases as
    // rope_theta beside rope_scaling; either way only plain rotary embeddings (no scaling) are supported.
    JsonNode ropeParameters = root.path("rope_parameters");
    for (String field : List.of("rope_scaling", "rope_parameters")) {
      JsonNode rope = root.path(field);
      if (!rope.isMissingNode() && !rope.isNull() && !rope.path("rope_type").asText(rope.path("type").asText("")).equals("default")) {
        throw new BadInputException(file + ": field " + field + ": only plain rotary embeddings (null or rope_type"
            + " \"default\") are supported, was " + rope);
      }
    }
    double ropeTheta = ropeParameters.path("rope_theta").isNumber() ? ropeParameters.path("rope_theta").asDouble()
        : root.path("rope_theta").asDouble(10000.0);
    int hidden = requiredInt(root, "hidden_size", file);
    int heads = requiredInt(root, "num_attention_heads", file);
    int kvHeads = root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()
        ? requiredInt(root, "num_key_value_heads", file) : heads;
    int headDim = root.has("head_dim") && !root.get("head_dim").isNull()
        ? requiredInt(root, "head_dim", file) : hidden / heads;
    boolean qwen = type.equals("qwen2");
    boolean attentionBias = root.path("attention_bias").asBoolean(false);
    List<Integer> eos = new ArrayList<>();
    JsonNode eosNode = root.path("eos_token_id");
    if (eosNode.isArray()) {
      eosNode.forEach(n -> eos.add(n.asInt()));
    } else if (eosNode.isInt()) {
      eos.add(eosNode.asInt());
    }
    return new LlamaConfig(
        type,
        requiredInt(root, "vocab_size", file),
        hidden,
        requiredInt(root, "intermediate_size", file),
        requiredInt(root, "num_hidden_layers", file),
        heads,
        kvHeads,
        headDim,
        root.path("max_position_embeddings").asInt(2048),
        root.path("rms_norm_eps").asDouble(1e-6),
        ropeTheta,
        root.path("tie_word_embeddings").asBoolean(qwen),
        qwen || attentionBias,
        !qwen && attentionBias,
        root.path("bos_token_id").asInt(-1),
        eos);
  }

  private static int requiredInt(JsonNode root, String field, Path file) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw new BadInputException(file + ": field " + field + ": missing (expected a positive integer)");
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw new BadInputException(file + ": field " + field + ": expected a positive integer, was " + node);
    }
    return node.asInt();
  }

  /** The config as Hugging Face writes it, so that transformers loads the directory unchanged. */
  public ObjectNode toJson() {
    ObjectNode node = Json.mapper().createObjectNode();
    node.putArray("architectures").add(modelType.equals("qwen2") ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
    node.put("model_type", modelType);
    node.put("vocab_size", vocabSize);
    node.put("hidden_size", hiddenSize);
    node.put("intermediate_size", intermediateSize);
    node.put("num_hidden_layers", numLayers);
    node.put("num_attention_heads", numHeads);
    node.put("num_key_value_heads", numKvHeads);
    node.put("head_dim", headDim);
    node.put("max_position_embeddings", maxPositions);
    node.put("rms_norm_eps", rmsNormEps);
    node.put("rope_theta", ropeTheta);
    node.putNull("rope_scaling");
    node.put("tie_word_embeddings", tieWordEmbeddings);
    node.put("hidden_act", "silu");
    if (modelType.equals("llama")) {
      node.put("attention_bias", qkvBias);
      node.put("mlp_bias", false);
    }
    node.put("bos_token_id", bosTokenId);
    if (eosTokenIds.size() == 1) {
      node.put("eos_token_id", eosTokenIds.get(0));
    } else {
      eosTokenIds.forEach(node.putArray("eos_token_id")::add);
    }
    node.put("torch_dtype", "float32");
    node.put("initializer_range", 0.02);
    node.put("use_cache", true);
    return node;
  }

  public static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
