package dev.deliberate.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Any JSONL file of objects, mapped to prompts by a {@link ColumnMapping} whose columns name top-level fields.
 * Mapped fields must be strings (or numbers, for ids); every other field is kept in the prompt's metadata.
 * (A file already in our prompt format needs no import: read it with {@link Prompts#read}.)
 */
public final class JsonlImporter implements PromptImporter {
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
    Map<String, Object> metadata = new LinkedHashMap<>();
    node.fields().forEachRemaining(field -> {
      if (!mapping.maps(field.getKey()) && !field.getValue().isNull()) {
        metadata.put(field.getKey(), Json.mapper().convertValue(field.getValue(), Object.class));
      }
    });
    return CsvImporter.build(mapping, "field", name -> text(node, name, name.equals(mapping.idColumn())), metadata);
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
