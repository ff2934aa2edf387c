package dev.deliberate.engine.modelfile;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.deliberate.BadInputException;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.network.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Text to token ids and back with a Hugging Face {@code tokenizer.json}, through DJL's binding of the Rust
 * tokenizers library. Never adds special tokens on its own: the chat format writes them as text.
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;

  private TextTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Opens {@code DIR/tokenizer.json}. */
  public static TextTokenizer open(Path dir) {
    if (dir == null) {
      throw new BadInputException("this model has no directory, so no tokenizer.json");
    }
    Path file = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": no such file (a model directory needs tokenizer.json to encode text)");
    }
    Engines.pytorch();
    try {
      return new TextTokenizer(HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(false)
          .optTruncation(false)
          .build());
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(file + ": not a valid Hugging Face tokenizer: " + LlamaConfig.firstLine(e.getMessage()));
    }
  }

  public long[] encode(String text) {
    return tokenizer.encode(text, false, false).getIds();
  }

  /** The text of the ids, special tokens included (the chat format needs to see them). */
  public String decode(long[] ids) {
    return tokenizer.decode(ids, false);
  }

  /** The id of a token that the text encodes to exactly one id, if it does. */
  public OptionalLong singleTokenId(String token) {
    long[] ids = encode(token);
    return ids.length == 1 ? OptionalLong.of(ids[0]) : OptionalLong.empty();
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
