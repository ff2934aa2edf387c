package dev.deliberate.engine.modelfile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.io.Json;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.tiny.BpeTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the tokenizer side of a model directory in our {@link ChatFormat#THINK} layout, and holds the one
 * byte-level BPE {@code tokenizer.json} layout that the tiny tokenizer and GGUF import both write.
 */
public final class TokenizerFiles {
  /** Our special tokens, in id order: {@code <|end|>} (id 0) ends every turn and doubles as padding. */
  public static final List<BpeTrainer.Special> SPECIALS = List.of(
      new BpeTrainer.Special("<|end|>", true),
      new BpeTrainer.Special("<|system|>", true),
      new BpeTrainer.Special("<|user|>", true),
      new BpeTrainer.Special("<|assistant|>", true),
      new BpeTrainer.Special(ChatFormat.THINK_OPEN, false),
      new BpeTrainer.Special(ChatFormat.THINK_CLOSE, false));

  public static final int END_ID = 0;

  private TokenizerFiles() {}

  /** An entry of {@code tokenizer.json}'s {@code added_tokens}: matched whole in the input before any splitting. */
  public record AddedToken(int id, String content, boolean special) {}

  /**
   * A byte-level BPE {@code tokenizer.json} as Hugging Face's tokenizers library reads it, the one layout both the
   * trained tiny tokenizer and an imported GGUF vocabulary are written in: the added tokens, {@code preTokenizer},
   * a ByteLevel decoder and the BPE model.
   *
   * @param vocab every token's text, in id order
   * @param merges the merges, in rank order ("left right")
   * @param unkToken the unknown token's text, or null for none
   */
  public static ObjectNode byteLevelBpe(List<AddedToken> added, ObjectNode preTokenizer, List<String> vocab,
      List<String> merges, String unkToken) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode addedTokens = root.putArray("added_tokens");
    for (AddedToken a : added) {
      ObjectNode t = addedTokens.addObject();
      t.put("id", a.id());
      t.put("content", a.content());
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", a.special());
    }
    root.putNull("normalizer");
    root.set("pre_tokenizer", preTokenizer);
    root.putNull("post_processor");
    root.set("decoder", byteLevel(true));
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", unkToken);
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode ids = model.putObject("vocab");
    for (int id = 0; id < vocab.size(); id++) {
      ids.put(vocab.get(id), id);
    }
    ArrayNode ranked = model.putArray("merges");
    merges.forEach(ranked::add);
    return root;
  }

  /**
   * Hugging Face's ByteLevel step (bytes as printable characters; as a decoder, back); {@code useRegex} also splits
   * words with GPT-2's expression first.
   */
  public static ObjectNode byteLevel(boolean useRegex) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", false);
    node.put("trim_offsets", true);
    node.put("use_regex", useRegex);
    return node;
  }

  /**
   * Writes {@code tokenizer.json}, {@code tokenizer_config.json} (with the chat template that renders our layout
   * in the Hugging Face ecosystem), {@code special_tokens_map.json} and {@code generation_config.json}.
   */
  public static void write(Path dir, ObjectNode tokenizerJson, int maxLength, GenerationSettings generation)
      throws IOException {
    Files.createDirectories(dir);
    LocalModel.writeJson(dir.resolve("tokenizer.json"), tokenizerJson);
    ObjectNode config = Json.mapper().createObjectNode();
    config.put("tokenizer_class", "PreTrainedTokenizerFast");
    config.put("chat_template", ChatFormat.THINK_TEMPLATE);
    config.put("eos_token", "<|end|>");
    config.put("pad_token", "<|end|>");
    config.putNull("bos_token");
    config.put("add_bos_token", false);
    config.put("add_eos_token", false);
    config.put("model_max_length", maxLength);
    config.put("clean_up_tokenization_spaces", false);
    LocalModel.writeJson(dir.resolve("tokenizer_config.json"), config);
    ObjectNode specials = Json.mapper().createObjectNode();
    specials.put("eos_token", "<|end|>");
    specials.put("pad_token", "<|end|>");
    LocalModel.writeJson(dir.resolve("special_tokens_map.json"), specials);
    ObjectNode gen = Json.mapper().createObjectNode();
    gen.put("do_sample", generation.temperature() > 0);
    gen.put("temperature", generation.temperature());
    gen.put("top_p", generation.topP());
    gen.put("max_new_tokens", generation.maxNewTokens());
    gen.put("eos_token_id", END_ID);
    gen.put("pad_token_id", END_ID);
    LocalModel.writeJson(dir.resolve("generation_config.json"), gen);
  }
}
