package dev.deliberate.data;

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
    if (!array.isArray() || array.isEmpty()) {
      throw new BadInputException("field 'messages': expected a non-empty array, found " + kind(array));
    }
    List<Message> messages = new ArrayList<>(array.size());
    boolean user = false;
    for (int i = 0; i < array.size(); i++) {
      JsonNode m = array.get(i);
      String where = "field 'messages[" + i + "]";
      if (!m.isObject()) {
        throw new BadInputException(where + "': expected an object with 'role' and 'content', found " + kind(m));
      }
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        throw new BadInputException(where + ".role': expected one of system, user, assistant, found "
            + (role == null ? "nothing" : role.isTextual() ? "'" + role.asText() + "'" : kind(role)));
      }
      JsonNode content = m.get("content");
      if (content == null || !content.isTextual()) {
        throw new BadInputException(where + ".content': expected a string, found " + (content == null ? "nothing" : kind(content)));
      }
      user |= role.asText().equals("user");
      messages.add(new Message(role.asText(), content.asText()));
    }
    if (!user) {
      throw new BadInputException("field 'messages': expected at least one user message");
    }
    return messages;
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
