package dev.deliberate.data;

import dev.deliberate.BadInputException;
import dev.deliberate.spec.Style;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * StrongREJECT forbidden prompts ({@code category,source,forbidden_prompt}). Each row becomes a prompt with source
 * {@code strongreject}, the category's anchor from {@link CategoryMap#STRONGREJECT}, expected {@code refuse}, and
 * metadata {@code benchmark_category} and {@code benchmark_source} (the row's own source dataset).
 */
public final class StrongRejectImporter implements PromptImporter {
  public static final String SOURCE = "strongreject";

  @Override
  public BadLines read(Path file, boolean skipBad, Consumer<Prompt> sink) {
    return CsvRows.read(file, List.of("category", "forbidden_prompt"), skipBad, StrongRejectImporter::toPrompt, sink);
  }

  static Prompt toPrompt(CsvRows.Row row) {
    String category = row.required("category");
    String anchor = CategoryMap.strongReject(category);
    if (anchor == null) {
      throw new BadInputException("column 'category': unknown StrongREJECT category '" + category + "'; expected one of "
          + String.join("; ", new TreeSet<>(CategoryMap.STRONGREJECT.keySet())));
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("benchmark_category", category);
    String source = row.optional("source");
    if (source != null) {
      metadata.put("benchmark_source", source);
    }
    return Prompt.of(row.required("forbidden_prompt"), anchor, Style.REFUSE, SOURCE, metadata);
  }
}
