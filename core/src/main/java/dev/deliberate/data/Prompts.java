package dev.deliberate.data;

import dev.deliberate.io.Json;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.spec.Style;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading {@link Prompt} records from JSONL with validation: every problem names its line and field.
 *
 * <p>A prompt line is a JSON object with
 * <ul>
 *   <li>{@code messages}: a non-empty array of {@code {"role": "system"|"user"|"assistant", "content": "..."}} with at
 *       least one user message, <b>or</b> {@code text}: a non-blank string, shorthand for one user message. Giving
 *       both is an error. Files we write always use {@code messages}; the shorthand is for hand-written input, and
 *       {@code {"text": "hi"}} gets the same id as {@code {"messages": [{"role": "user", "content": "hi"}]}}.</li>
 *   <li>optional strings {@code id} (computed from the content when absent), {@code category} (a spec anchor),
 *       {@code source}, {@code attack}, {@code original_request};</li>
 *   <li>optional {@code expected}: one of {@code comply}, {@code refuse}, {@code safe-complete};</li>
 *   <li>optional {@code metadata}: an object.</li>
 * </ul>
 * Other fields are ignored, so records of later stages that embed a prompt's fields can be read as prompts.
 */
public final class Prompts {
  private static final Set<String> ROLES = Set.of("system", "user", "assistant");

  private Prompts() {}

  /** Opens a prompts JSONL file for streaming (see {@link JsonlReader}). */
  public static JsonlReader<Prompt> read(Path file, boolean skipBad) {
    return JsonlReader.open(file, Prompts::decode, skipBad);
  }

  /** Reads every prompt of a file, failing on the first bad line. */
  public static List<Prompt> readAll(Path file) {
    try (JsonlReader<Prompt> reader = read(file, false)) {
      List<Prompt> prompts = new ArrayList<>();
      reader.forEach(prompts::add);
      return prompts;
    }
  }

  /** Validates one JSON object and builds the prompt; problems throw {@code field 'x': expected ...}. */
  public static Prompt decode(JsonNode node) {
    List<Message> messages = messages(node);
    String expectedText = optionalString(node, "expected");
    Style expected = null;
    if (expectedText != null) {
      try {
        expected = Style.parse(expectedText);
      } catch (BadInputException e) {
        throw new BadInputException("field 'expected': expected one of " + Style.names() + ", found '" + expectedText + "'");
      }
    }
    Map<String, Object> metadata = null;
    JsonNode meta = node.get("metadata");
    if (meta != null && !meta.isNull()) {
      if (!meta.isObject()) {
        throw new BadInputException("field 'metadata': expected an object, found " + kind(meta));
      }
      metadata = Json.mapper().convertValue(meta, new TypeReference<Map<String, Object>>() {});
    }
    return new Prompt(
        optionalString(node, "id"),
        messages,
        optionalString(node, "category"),
        expected,
        optionalString(node, "source"),
        optionalString(node, "attack"),
        optionalString(node, "original_request"),
        metadata);
  }

  private static List<Message> messages(JsonNode node) {
    JsonNode array = node.get("messages");
    boolean hasMessages = array != null && !array.isNull();
    String text = optionalString(node, "text");
    if (hasMessages && text != null) {
      throw new BadInputException("fields 'messages' and 'text': expected one of them, not both");
    }
    if (text != null) {
      if (text.isBlank()) {
        throw new BadInputException("field 'text': expected a non-blank string");
      }
      return List.of(Message.user(text));
    }
    if (!hasMessages) {
      throw new BadInputException("field 'messages': missing; expected an array of messages (or 'text' for one user message)");
    }
    return conversation(array, "messages");
  }

  /**
   * A chat conversation as OpenAI and Hugging Face write it: an array of {@code {role, content}} objects with at
   * least one user message. {@code content} is a string or an array of parts of which only {@code {"type": "text"}}
   * ones are allowed (their texts are joined); the role {@code developer} (OpenAI's newer name) reads as
   * {@code system}. Problems name {@code field[i]} and what was expected.
   */
  static List<Message> conversation(JsonNode array, String field) {
    if (!array.isArray() || array.isEmpty()) {
      throw new BadInputException("field '" + field + "': expected a non-empty array, found " + kind(array));
    }
    List<Message> messages = new ArrayList<>(array.size());
    boolean user = false;
    for (int i = 0; i < array.size(); i++) {
      JsonNode m = array.get(i);
      String where = "field '" + field + "[" + i + "]";
      if (!m.isObject()) {
        throw new BadInputException(where + "': expected an object with 'role' and 'content', found " + kind(m));
      }
      JsonNode role = m.get("role");
      String name = role != null && role.isTextual() ? role.asText() : null;
      if ("developer".equals(name)) {
        name = "system";
      }
      if (name == null || !ROLES.contains(name)) {
        throw new BadInputException(where + ".role': expected one of system, user, assistant (or developer), found "
            + (role == null ? "nothing" : role.isTextual() ? "'" + role.asText() + "'" : kind(role)));
      }
      user |= name.equals("user");
      messages.add(new Message(name, content(m.get("content"), where + ".content")));
    }
    if (!user) {
      throw new BadInputException("field '" + field + "': expected at least one user message");
    }
    return messages;
  }

  private static String content(JsonNode content, String where) {
    if (content != null && content.isTextual()) {
      return content.asText();
    }
    if (content == null || !content.isArray() || content.isEmpty()) {
      throw new BadInputException(where + "': expected a string or an array of text parts, found "
          + (content == null ? "nothing" : kind(content)));
    }
    StringBuilder text = new StringBuilder();
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      JsonNode type = part.get("type");
      JsonNode partText = part.get("text");
      if (!part.isObject() || type == null || !"text".equals(type.asText()) || partText == null || !partText.isTextual()) {
        throw new BadInputException(where + "[" + j + "]': expected a part {\"type\": \"text\", \"text\": \"...\"}"
            + " (images, audio and tool calls are not prompts we can use), found "
            + (type != null && type.isTextual() ? "type '" + type.asText() + "'" : kind(part)));
      }
      text.append(partText.asText());
    }
    return text.toString();
  }

  private static String optionalString(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new BadInputException("field '" + field + "': expected a string, found " + kind(value));
    }
    return value.asText();
  }

  static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> node.isEmpty() ? "an empty array" : "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().toString().toLowerCase();
    };
  }
}
