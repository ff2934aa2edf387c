package dev.deliberate.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.data.Json;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.modelfile.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Print the token ids a local model's tokenizer gives for text, as JSON.",
      "",
      "Special tokens written in the text (such as <|im_start|>) become their ids; nothing is added around the "
          + "text. With --text, one JSON array; with --input, a file of one JSON string per line, one array per line "
          + "in the same order. A cross-checking tool: compare with another tokenizer on the same strings."
    })
final class ModelTokenizeCommand extends BaseCommand {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory with tokenizer.json, local:DIR, local:FILE.gguf, or tiny.")
  String model;

  @Option(names = "--text", paramLabel = "TEXT", description = "The text to tokenize.")
  String text;

  @Option(names = "--input", paramLabel = "FILE", description = "One JSON string per line.")
  Path input;

  @Override
  protected int run() throws Exception {
    if ((text == null) == (input == null)) {
      throw new BadInputException("expected exactly one of --text and --input");
    }
    try (TextTokenizer tokenizer = TextTokenizer.open(ModelDirs.resolve(model, err()::println))) {
      if (text != null) {
        out().println(Json.line(tokenizer.encode(text)));
        return ExitCode.OK;
      }
      int lineNumber = 0;
      for (String line : Files.readAllLines(input)) {
        lineNumber++;
        out().println(Json.line(tokenizer.encode(parseString(line, lineNumber))));
      }
    }
    return ExitCode.OK;
  }

  private String parseString(String line, int lineNumber) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(line);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isTextual()) {
      throw new BadInputException(input + ":" + lineNumber + ": expected a JSON string");
    }
    return node.asText();
  }
}
