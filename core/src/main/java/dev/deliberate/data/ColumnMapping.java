package dev.deliberate.data;

import dev.deliberate.spec.Style;
import java.util.Objects;

/**
 * How the columns of a generic CSV (or the fields of a generic JSONL file) become a {@link Prompt}.
 *
 * @param textColumn the column holding the prompt text (required in every row)
 * @param idColumn the column holding the prompt id, or null to compute ids from the content
 * @param categoryColumn the column holding the spec anchor, or null
 * @param expectedColumn the column holding comply / refuse / safe-complete, or null
 * @param category the anchor for every row, or null; not together with {@code categoryColumn}
 * @param expected the expected behaviour for every row, or null; not together with {@code expectedColumn}
 * @param source the prompts' source name
 */
public record ColumnMapping(
    String textColumn,
    String idColumn,
    String categoryColumn,
    String expectedColumn,
    String category,
    Style expected,
    String source) {
  public ColumnMapping {
    Objects.requireNonNull(textColumn, "textColumn");
    Objects.requireNonNull(source, "source");
    if (categoryColumn != null && category != null) {
      throw new IllegalArgumentException("give a category column or a constant category, not both");
    }
    if (expectedColumn != null && expected != null) {
      throw new IllegalArgumentException("give an expected column or a constant expected behaviour, not both");
    }
  }

  /** The text column when none is named. */
  public static final String DEFAULT_TEXT_COLUMN = "prompt";

  /** Text from {@code textColumn}, nothing else mapped. */
  public static ColumnMapping text(String textColumn, String source) {
    return new ColumnMapping(textColumn, null, null, null, null, null, source);
  }

  /** The same mapping reading the text from {@code column}. */
  ColumnMapping withTextColumn(String column) {
    return new ColumnMapping(column, idColumn, categoryColumn, expectedColumn, category, expected, source);
  }

  /** Whether {@code column} is one this mapping reads (the others go into metadata). */
  boolean maps(String column) {
    return column.equals(textColumn) || column.equals(idColumn) || column.equals(categoryColumn) || column.equals(expectedColumn);
  }
}
