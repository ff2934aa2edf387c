package dev.deliberate.data;

import dev.deliberate.BadInputException;
import dev.deliberate.spec.Style;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * XSTest prompts ({@code id,prompt,type,label,focus,note}). Label {@code safe} → expected comply, {@code unsafe} →
 * refuse, or safe-complete in the categories where the spec declines that way ({@link CategoryMap#unsafeStyle});
 * the category comes from {@link CategoryMap#xstest}; source {@code xstest}; metadata {@code xstest_id},
 * {@code type}, {@code focus}, {@code note} (empty cells left out) and {@code reason}
 * ({@link CategoryMap#XSTEST_REASON}, for the known types).
 */
public final class XsTestImporter implements PromptImporter {
  public static final String SOURCE = "xstest";

  @Override
  public BadLines read(Path file, boolean skipBad, Consumer<Prompt> sink) {
    return CsvRows.read(file, List.of("prompt", "type", "label"), skipBad, XsTestImporter::toPrompt, sink);
  }

  static Prompt toPrompt(CsvRows.Row row) {
    String prompt = row.required("prompt");
    String type = row.required("type").trim();
    String label = row.required("label").trim();
    String focus = row.optional("focus");
    String note = row.optional("note");
    String category = CategoryMap.xstest(type, focus, note, prompt);
    Style expected = switch (label) {
      case "safe" -> Style.COMPLY;
      case "unsafe" -> CategoryMap.unsafeStyle(category);
      default -> throw new BadInputException("column 'label': expected 'safe' or 'unsafe', found '" + label + "'");
    };
    Map<String, Object> metadata = new LinkedHashMap<>();
    putIfPresent(metadata, "xstest_id", row.optional("id"));
    metadata.put("type", type);
    putIfPresent(metadata, "focus", focus == null ? null : focus.trim());
    putIfPresent(metadata, "note", note == null ? null : note.trim());
    putIfPresent(metadata, "reason", CategoryMap.XSTEST_REASON.get(type.toLowerCase(java.util.Locale.ROOT)));
    return Prompt.of(prompt, category, expected, SOURCE, metadata);
  }

  private static void putIfPresent(Map<String, Object> metadata, String key, String value) {
    if (value != null && !value.isEmpty()) {
      metadata.put(key, value);
    }
  }
}
