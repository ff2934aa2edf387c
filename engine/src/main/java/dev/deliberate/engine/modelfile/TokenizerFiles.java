package dev.deliberate.engine.modelfile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.io.Json;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.tiny.BpeTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the tokenizer side of a model directory in our {@link ChatFormat#THINK} layout. */
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
