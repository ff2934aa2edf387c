package dev.deliberate.data;

import dev.deliberate.BadInputException;
import dev.deliberate.spec.Style;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Any CSV with a header line, mapped to prompts by a {@link ColumnMapping}. Mapped columns must exist; every other
 * non-empty cell is kept in the prompt's metadata under its column name. Category values are taken as spec anchors
 * as they are (check them with {@code --spec}).
 */
public final class CsvImporter implements PromptImporter {
  private final ColumnMapping mapping;

  public CsvImporter(ColumnMapping mapping) {
    this.mapping = mapping;
  }

  @Override
  public BadLines read(Path file, boolean skipBad, Consumer<Prompt> sink) {
    List<String> required = new ArrayList<>();
    for (String column : new String[] {mapping.textColumn(), mapping.idColumn(), mapping.categoryColumn(), mapping.expectedColumn()}) {
      if (column != null) {
        required.add(column);
      }
    }
    return CsvRows.read(file, required, skipBad, row -> {
      Map<String, Object> metadata = new LinkedHashMap<>();
      row.values().forEach((column, value) -> {
        if (!mapping.maps(column) && !value.isEmpty()) {
          metadata.put(column, value);
        }
      });
      return build(mapping, "column", row::optional, metadata);
    }, sink);
  }

  /**
   * Builds one prompt from named values; {@code kind} ("column" or "field") is used in error messages and
   * {@code value} returns null for an absent or empty value.
   */
  static Prompt build(ColumnMapping mapping, String kind, Function<String, String> value, Map<String, Object> metadata) {
    String text = value.apply(mapping.textColumn());
    if (text == null || text.isBlank()) {
      throw new BadInputException(kind + " '" + mapping.textColumn() + "': expected the prompt text, found nothing");
    }
    return build(mapping, kind, value, metadata, List.of(Message.user(text)));
  }

  /** As {@link #build(ColumnMapping, String, Function, Map)}, with the conversation already read. */
  static Prompt build(ColumnMapping mapping, String kind, Function<String, String> value, Map<String, Object> metadata,
      List<Message> messages) {
    String category = mapping.category();
    if (mapping.categoryColumn() != null) {
      category = value.apply(mapping.categoryColumn());
      category = category == null ? null : category.trim();
    }
    Style expected = mapping.expected();
    if (mapping.expectedColumn() != null) {
      String raw = value.apply(mapping.expectedColumn());
      if (raw != null) {
        try {
          expected = Style.parse(raw);
        } catch (BadInputException e) {
          throw new BadInputException(kind + " '" + mapping.expectedColumn() + "': expected one of " + Style.names() + ", found '" + raw + "'");
        }
      }
    }
    String id = mapping.idColumn() == null ? null : value.apply(mapping.idColumn());
    return new Prompt(id, messages, category, expected, mapping.source(), null, null, metadata);
  }
}
