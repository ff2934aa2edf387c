package dev.deliberate.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.model.ReasoningSplitter;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns {@link SftExample}s into lines of one {@link ExportFormat} and validates each line against that format
 * before anything is written: a record that does not conform (or carries spec text) is a bug upstream, and an
 * export that half-conforms is worse than none.
 */
public final class Exporter {
  private static final Set<String> ROLES = Set.of("system", "user", "assistant");

  /** Where the chain of thought goes in the {@code hf} format. */
  public enum Reasoning { THINK, FIELD }

  private final ExportFormat format;
  private final Reasoning hfReasoning;
  private final SpecTextCheck specText;

  public Exporter(ExportFormat format, Reasoning hfReasoning, SpecTextCheck specText) {
    this.format = format;
    this.hfReasoning = hfReasoning;
    this.specText = specText;
  }

  public ExportFormat format() {
    return format;
  }

  /** The JSON line for an example, validated. */
  public ObjectNode convert(SftExample example) {
    ObjectNode node = switch (format) {
      case JSONL -> (ObjectNode) Json.mapper().valueToTree(example);
      case OPENAI -> messagesNode(example, true);
      case HF -> messagesNode(example, hfReasoning == Reasoning.THINK);
    };
    validate(node).ifPresent(problem -> {
      throw new IllegalStateException("example " + example.id() + " does not conform to the " + format.wireName()
          + " format: " + problem);
    });
    return node;
  }

  private ObjectNode messagesNode(SftExample example, boolean thinkInline) {
    ObjectNode node = Json.mapper().createObjectNode();
    ArrayNode messages = node.putArray("messages");
    for (Message m : example.promptMessages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    ObjectNode assistant = messages.addObject().put("role", "assistant");
    if (thinkInline) {
      // Exactly the text our SFT trainer trains (ChatFormat.assistantContent after it reads this file back), so a
      // framework trained on the export puts its loss on the same tokens as ours: no newlines around the block.
      assistant.put("content", ReasoningSplitter.THINK_OPEN + example.reasoning().strip() + ReasoningSplitter.THINK_CLOSE
          + example.answer().strip());
    } else {
      assistant.put("content", example.answer());
      assistant.put("reasoning_content", example.reasoning());
    }
    return node;
  }

  /** What is wrong with a line of this format, or empty when it conforms. */
  public Optional<String> validate(JsonNode node) {
    JsonNode messages = node.get("messages");
    if (messages == null || !messages.isArray() || messages.size() < 2) {
      return Optional.of("\"messages\" must be an array of at least two messages");
    }
    boolean user = false;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText("");
      if (!ROLES.contains(role)) {
        return Optional.of("messages[" + i + "].role must be system, user or assistant, was '" + role + "'");
      }
      if (!m.path("content").isTextual() || m.path("content").asText().isBlank()) {
        return Optional.of("messages[" + i + "].content must be non-empty text");
      }
      user |= role.equals("user");
    }
    JsonNode last = messages.get(messages.size() - 1);
    if (!user || !last.path("role").asText().equals("assistant")) {
      return Optional.of("the conversation needs a user message and must end with the assistant's reply");
    }
    String content = last.path("content").asText();
    switch (format) {
      case JSONL -> {
        if (node.path("id").asText("").isBlank() || !node.path("reasoning").isTextual() || node.path("reasoning").asText().isBlank()) {
          return Optional.of("\"id\" and \"reasoning\" must be non-empty text");
        }
      }
      case OPENAI -> {
        Set<String> allowed = Set.of("messages");
        for (var names = node.fieldNames(); names.hasNext(); ) {
          String name = names.next();
          if (!allowed.contains(name)) {
            return Optional.of("the OpenAI chat format has no field \"" + name + "\"");
          }
        }
        if (!thinkBlockWellFormed(content)) {
          return Optional.of("the assistant content must start with one <think>...</think> block and a reply after it");
        }
      }
      case HF -> {
        if (hfReasoning == Reasoning.THINK ? !thinkBlockWellFormed(content)
            : !last.path("reasoning_content").isTextual() || last.path("reasoning_content").asText().isBlank()) {
          return Optional.of(hfReasoning == Reasoning.THINK
              ? "the assistant content must start with one <think>...</think> block and a reply after it"
              : "the assistant message needs a non-empty \"reasoning_content\"");
        }
      }
    }
    StringBuilder text = new StringBuilder();
    collectText(node, text);
    Optional<String> leak = specText.find(text.toString());
    return leak.map(s -> "contains spec or instruction text: \"" + s + "\"");
  }

  private static void collectText(JsonNode node, StringBuilder out) {
    if (node.isTextual()) {
      out.append(node.asText()).append('\n');
    }
    node.elements().forEachRemaining(child -> collectText(child, out));
  }

  private static boolean thinkBlockWellFormed(String content) {
    return ReasoningSplitter.isOneThinkBlockThenAnswer(content);
  }

  /** Convenience for tests and small exports: every example converted, in order. */
  public List<ObjectNode> convertAll(List<SftExample> examples) {
    return examples.stream().map(this::convert).toList();
  }
}
