package dev.deliberate.engine.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.model.ReasoningSplitter;
import dev.deliberate.spec.Style;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One supervised example: the conversation before the assistant's turn ({@code context}), and the turn the model
 * must learn to write: its reasoning (the chain of thought, may be empty) and its answer.
 */
public record SupervisedTurn(List<Message> context, String reasoning, String answer) {
  public SupervisedTurn {
    context = List.copyOf(context);
    reasoning = reasoning == null ? "" : reasoning;
    if (context.isEmpty()) {
      throw new IllegalArgumentException("an SFT example needs at least one message before the assistant's turn");
    }
  }

  /** A stable id of the content, used to pick the held-out split. */
  public String id() {
    List<String> parts = new ArrayList<>();
    context.forEach(m -> {
      parts.add(m.role());
      parts.add(m.content());
    });
    parts.add(reasoning);
    parts.add(answer);
    return Hashes.shortId("sft_", parts.toArray(String[]::new));
  }

  /**
   * Reads SFT JSONL: one object per line with {@code messages} (roles and contents, ending with the assistant's
   * answer) and optionally {@code reasoning}. Without that field, reasoning is taken from the assistant message's
   * {@code reasoning} or {@code reasoning_content} field, or from a leading {@code <think>…</think>} in its content
   * (the Hugging Face convention). Errors name the file and line.
   */
  public static List<SupervisedTurn> readJsonl(Path file) throws IOException {
    return readLabelled(file).stream().map(Labelled::turn).toList();
  }

  /** An example as read, with the expected behaviour its line names (our {@code sft.jsonl} has it), or null. */
  public record Labelled(SupervisedTurn turn, Style expected) {}

  /** {@link #readJsonl}, keeping each line's {@code expected} field. */
  public static List<Labelled> readLabelled(Path file) throws IOException {
    List<Labelled> examples = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + ":" + number;
        JsonNode node;
        try {
          node = Json.mapper().readTree(line);
        } catch (IOException e) {
          throw new BadInputException(where + ": not valid JSON: " + LlamaConfig.firstLine(e.getMessage()));
        }
        Style expected = null;
        if (node.path("expected").isTextual()) {
          try {
            expected = Style.parse(node.get("expected").asText());
          } catch (BadInputException e) {
            throw new BadInputException(where + ": field expected: " + e.getMessage());
          }
        }
        examples.add(new Labelled(fromJson(node, where), expected));
      }
    }
    if (examples.isEmpty()) {
      throw new BadInputException(file + ": no examples (expected one JSON object per line)");
    }
    return examples;
  }

  static SupervisedTurn fromJson(JsonNode node, String where) {
    JsonNode messages = node.path("messages");
    if (!messages.isArray() || messages.size() < 2) {
      throw new BadInputException(where + ": field messages: expected a list of at least two {role, content}"
          + " objects ending with the assistant's answer");
    }
    List<Message> context = new ArrayList<>();
    for (int i = 0; i < messages.size() - 1; i++) {
      context.add(message(messages.get(i), where, i));
    }
    JsonNode last = messages.get(messages.size() - 1);
    Message answer = message(last, where, messages.size() - 1);
    if (!answer.role().equals("assistant")) {
      throw new BadInputException(where + ": field messages: the last message must have role \"assistant\", was \""
          + answer.role() + "\"");
    }
    String reasoning = node.path("reasoning").isTextual() ? node.path("reasoning").asText()
        : last.path("reasoning").isTextual() ? last.path("reasoning").asText()
        : last.path("reasoning_content").isTextual() ? last.path("reasoning_content").asText() : null;
    String content = answer.content();
    if (reasoning == null) {
      String stripped = content.strip();
      if (stripped.startsWith(ChatFormat.THINK_OPEN)) {
        if (!stripped.contains(ChatFormat.THINK_CLOSE)) {
          throw new BadInputException(where + ": assistant content opens <think> but never closes it");
        }
        ReasoningSplitter.Split split = ChatFormat.split(stripped);
        reasoning = split.reasoning();
        content = split.answer();
      }
    }
    return new SupervisedTurn(context, reasoning, content);
  }

  private static Message message(JsonNode node, String where, int index) {
    if (!node.path("role").isTextual() || !node.path("content").isTextual()) {
      throw new BadInputException(where + ": messages[" + index + "]: expected {\"role\": string, \"content\": string}");
    }
    return new Message(node.get("role").asText(), node.get("content").asText());
  }
}
