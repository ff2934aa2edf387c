package dev.deliberate.engine.modelfile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file's {@code tokenizer.ggml.*} keys as the Hugging Face files that DJL's tokenizers (and transformers)
 * load: {@code tokenizer.json}, {@code tokenizer_config.json} (with {@code tokenizer.chat_template}) and
 * {@code special_tokens_map.json}.
 *
 * <p>Only byte-level BPE ({@code tokenizer.ggml.model = gpt2}) converts. Its pre-tokenizer is named by
 * {@code tokenizer.ggml.pre}; each name we know maps to the regular expressions llama.cpp splits text with, in
 * order, each written as an isolating {@code Split} before a regex-free {@code ByteLevel} step.
 */
public final class GgufTokenizer {
  /** GPT-2's split: contractions, letters, digits, other symbols, each with an optional leading space; spaces. */
  static final String GPT2_SPLIT =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  /**
   * Pre-tokenizer names (llama.cpp's {@code tokenizer.ggml.pre}) and the splits they stand for. The StarCoder
   * family (SmolLM among them) first isolates every digit.
   */
  static final Map<String, List<String>> PRE_TOKENIZERS = Map.of(
      "gpt2", List.of(GPT2_SPLIT),
      "smollm", List.of("\\p{N}", GPT2_SPLIT),
      "starcoder", List.of("\\p{N}", GPT2_SPLIT),
      "refact", List.of("\\p{N}", GPT2_SPLIT));

  /** llama.cpp's token types. */
  static final int NORMAL = 1;
  static final int UNKNOWN = 2;
  static final int CONTROL = 3;
  static final int USER_DEFINED = 4;

  private GgufTokenizer() {}

  /** The vocabulary and its special ids, read from the file and checked. */
  public record Vocabulary(List<String> tokens, List<Integer> types, List<String> merges, String pre, int bosId,
      int eosId, int unkId, int padId, boolean addBos) {

    /** The content of token {@code id}, or null for -1. */
    public String content(int id) {
      return id < 0 ? null : tokens.get(id);
    }
  }

  /** Reads and checks {@code tokenizer.ggml.*}. */
  public static Vocabulary vocabulary(GgufFile gguf) {
    String model = gguf.string("tokenizer.ggml.model");
    if (!model.equals("gpt2")) {
      throw new BadInputException(gguf.path() + ": metadata tokenizer.ggml.model: \"" + model + "\" is not supported"
          + " (expected \"gpt2\", a byte-level BPE tokenizer)");
    }
    List<String> tokens = strings(gguf, "tokenizer.ggml.tokens");
    List<String> merges = strings(gguf, "tokenizer.ggml.merges");
    List<Integer> types = new java.util.ArrayList<>();
    if (gguf.metadata().containsKey("tokenizer.ggml.token_type")) {
      List<?> raw = gguf.array("tokenizer.ggml.token_type");
      if (raw.size() != tokens.size()) {
        throw new BadInputException(gguf.path() + ": metadata tokenizer.ggml.token_type: " + raw.size()
            + " types for " + tokens.size() + " tokens (expected one each)");
      }
      for (Object t : raw) {
        if (!(t instanceof Long n)) {
          throw new BadInputException(gguf.path() + ": metadata tokenizer.ggml.token_type: expected integers, found "
              + GgufFile.describe(t));
        }
        types.add(n.intValue());
      }
    } else {
      tokens.forEach(t -> types.add(NORMAL));
    }
    String pre = gguf.metadata().containsKey("tokenizer.ggml.pre") ? gguf.string("tokenizer.ggml.pre") : "gpt2";
    if (!PRE_TOKENIZERS.containsKey(pre)) {
      throw new BadInputException(gguf.path() + ": metadata tokenizer.ggml.pre: \"" + pre + "\" is not a"
          + " pre-tokenizer we convert (expected one of " + String.join(", ", new java.util.TreeSet<>(PRE_TOKENIZERS.keySet()))
          + ")");
    }
    boolean addBos = gguf.metadata().get("tokenizer.ggml.add_bos_token") instanceof Boolean b && b;
    return new Vocabulary(tokens, List.copyOf(types), merges, pre, specialId(gguf, "bos", tokens.size()),
        specialId(gguf, "eos", tokens.size()), specialId(gguf, "unknown", tokens.size()),
        specialId(gguf, "padding", tokens.size()), addBos);
  }

  private static int specialId(GgufFile gguf, String which, int vocabSize) {
    String key = "tokenizer.ggml." + which + "_token_id";
    long id = gguf.integer(key, -1);
    if (id < -1 || id >= vocabSize) {
      throw new BadInputException(gguf.path() + ": metadata " + key + ": " + id + " is outside the vocabulary of "
          + vocabSize + " tokens");
    }
    return (int) id;
  }

  private static List<String> strings(GgufFile gguf, String key) {
    List<?> raw = gguf.array(key);
    for (Object o : raw) {
      if (!(o instanceof String)) {
        throw new BadInputException(gguf.path() + ": metadata " + key + ": expected strings, found "
            + GgufFile.describe(o));
      }
    }
    @SuppressWarnings("unchecked")
    List<String> strings = (List<String>) raw;
    return strings;
  }

  /** The Hugging Face {@code tokenizer.json} of the vocabulary. */
  public static ObjectNode tokenizerJson(Vocabulary v) {
    // Control and user-defined tokens are matched whole in the input before any splitting, as llama.cpp does
    // when it parses special tokens.
    List<TokenizerFiles.AddedToken> added = new java.util.ArrayList<>();
    for (int id = 0; id < v.tokens().size(); id++) {
      int type = v.types().get(id);
      if (type == CONTROL || type == USER_DEFINED || type == UNKNOWN) {
        added.add(new TokenizerFiles.AddedToken(id, v.tokens().get(id), type != USER_DEFINED));
      }
    }
    ObjectNode pre = Json.mapper().createObjectNode();
    pre.put("type", "Sequence");
    ArrayNode steps = pre.putArray("pretokenizers");
    for (String regex : PRE_TOKENIZERS.get(v.pre())) {
      ObjectNode split = steps.addObject();
      split.put("type", "Split");
      split.putObject("pattern").put("Regex", regex);
      split.put("behavior", "Isolated");
      split.put("invert", false);
    }
    steps.add(TokenizerFiles.byteLevel(false));
    return TokenizerFiles.byteLevelBpe(added, pre, v.tokens(), v.merges(), v.content(v.unkId()));
  }

  /** The Hugging Face {@code tokenizer_config.json}: special tokens, the chat template, the context length. */
  public static ObjectNode tokenizerConfig(Vocabulary v, String chatTemplate, int maxLength) {
    ObjectNode config = Json.mapper().createObjectNode();
    config.put("tokenizer_class", "PreTrainedTokenizerFast");
    if (chatTemplate != null) {
      config.put("chat_template", chatTemplate);
    }
    putToken(config, "bos_token", v.content(v.bosId()));
    putToken(config, "eos_token", v.content(v.eosId()));
    putToken(config, "unk_token", v.content(v.unkId()));
    putToken(config, "pad_token", v.content(v.padId()));
    config.put("add_bos_token", v.addBos());
    config.put("add_eos_token", false);
    config.put("model_max_length", maxLength);
    config.put("clean_up_tokenization_spaces", false);
    return config;
  }

  /** {@code special_tokens_map.json}. */
  public static ObjectNode specialTokensMap(Vocabulary v) {
    ObjectNode map = Json.mapper().createObjectNode();
    putToken(map, "bos_token", v.content(v.bosId()));
    putToken(map, "eos_token", v.content(v.eosId()));
    putToken(map, "unk_token", v.content(v.unkId()));
    putToken(map, "pad_token", v.content(v.padId()));
    return map;
  }

  private static void putToken(ObjectNode node, String field, String content) {
    if (content == null) {
      node.putNull(field);
    } else {
      node.put(field, content);
    }
  }
}
