package dev.deliberate.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.modelfile.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
          + "in the same order. A cross-checking tool: compare with another tokenizer on the same strings.",
      "",
      "With --chat, each line of --input is instead a JSON array of {role, content} messages, laid out in the "
          + "model's chat format with an open assistant turn, as the engine prompts the model: compare with the "
          + "chat template rendered by another tool."
    })
final class ModelTokenizeCommand extends BaseCommand {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory with tokenizer.json, local:DIR, local:FILE.gguf, or tiny.")
  String model;

  @Option(names = "--text", paramLabel = "TEXT", description = "The text to tokenize.")
  String text;

  @Option(names = "--input", paramLabel = "FILE", description = "One JSON string per line.")
  Path input;

  @Option(names = "--chat", description = "Each --input line is a JSON array of messages, laid out in the chat format.")
  boolean chat;

  @Override
  protected int run() throws Exception {
    if ((text == null) == (input == null)) {
      throw new BadInputException("expected exactly one of --text and --input");
    }
    if (chat && input == null) {
      throw new BadInputException("--chat reads its conversations from --input");
    }
    Path dir = ModelDirs.resolve(model, err()::println);
    try (TextTokenizer tokenizer = TextTokenizer.open(dir)) {
      if (text != null) {
        out().println(Json.line(tokenizer.encode(text)));
        return ExitCode.OK;
      }
      ChatFormat format = chat ? ChatFormat.of(dir, tokenizer) : null;
      int lineNumber = 0;
      for (String line : Files.readAllLines(input)) {
        lineNumber++;
        String lineText = chat ? format.prompt(parseMessages(line, lineNumber))
            : parseString(line, lineNumber);
        out().println(Json.line(tokenizer.encode(lineText)));
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

  private List<Message> parseMessages(String line, int lineNumber) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(line);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new BadInputException(input + ":" + lineNumber + ": expected a JSON array of {role, content} messages");
    }
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode m = node.get(i);
      if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
        throw new BadInputException(input + ":" + lineNumber + ": messages[" + i
            + "]: expected {\"role\": string, \"content\": string}");
      }
      messages.add(new Message(m.get("role").asText(), m.get("content").asText()));
    }
    return messages;
  }
}
