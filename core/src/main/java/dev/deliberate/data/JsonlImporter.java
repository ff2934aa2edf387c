package dev.deliberate.data;

import dev.deliberate.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Any JSONL file of objects, mapped to prompts by a {@link ColumnMapping} whose columns name top-level fields.
 * Mapped fields must be strings (or numbers, for ids), except the text field, which may also hold a chat
 * conversation as OpenAI and Hugging Face write it (an array of {@code {role, content}}, multi-turn included); with
 * the default text column, a record without {@code prompt} but with {@code messages} reads its conversation from
 * there. A conversation's trailing assistant turns are not part of the prompt: the last one is kept in the metadata
 * as {@code completion}. Every other field is kept in the prompt's metadata. (A file already in our prompt format
 * needs no import: read it with {@link Prompts#read}.)
 */
public final class JsonlImporter implements PromptImporter {
  private static final String MESSAGES = "messages";

  private final ColumnMapping mapping;

  public JsonlImporter(ColumnMapping mapping) {
    this.mapping = mapping;
  }

  @Override
  public BadLines read(Path file, boolean skipBad, Consumer<Prompt> sink) {
    try (JsonlReader<Prompt> reader = JsonlReader.open(file, this::toPrompt, skipBad)) {
      reader.forEach(sink);
      return reader.skipped();
    }
  }

  private Prompt toPrompt(JsonNode node) {
    String textField = mapping.textColumn();
    if (textField.equals(ColumnMapping.DEFAULT_TEXT_COLUMN) && node.get(textField) == null && node.get(MESSAGES) != null) {
      textField = MESSAGES;
    }
    String used = textField;
    Map<String, Object> metadata = new LinkedHashMap<>();
    node.fields().forEachRemaining(field -> {
      if (!mapping.maps(field.getKey()) && !field.getKey().equals(used) && !field.getValue().isNull()) {
        metadata.put(field.getKey(), Json.mapper().convertValue(field.getValue(), Object.class));
      }
    });
    JsonNode value = node.get(textField);
    if (value == null || !value.isArray()) {
      return CsvImporter.build(mapping.withTextColumn(textField), "field",
          name -> text(node, name, name.equals(mapping.idColumn())), metadata);
    }
    List<Message> messages = new ArrayList<>(Prompts.conversation(value, textField));
    while (messages.get(messages.size() - 1).role().equals("assistant")) {
      Message last = messages.remove(messages.size() - 1);
      metadata.putIfAbsent("completion", last.content());
    }
    return CsvImporter.build(mapping, "field", name -> name.equals(mapping.textColumn()) ? null
        : text(node, name, name.equals(mapping.idColumn())), metadata, messages);
  }

  private static String text(JsonNode node, String field, boolean numberAllowed) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isTextual()) {
      return value.asText().isEmpty() ? null : value.asText();
    }
    if (numberAllowed && value.isIntegralNumber()) {
      return value.asText();
    }
    throw new BadInputException("field '" + field + "': expected a string, found " + Prompts.kind(value));
  }
}
