package dev.deliberate.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads prompts from a file in some outside format (a benchmark CSV, a user's JSONL), streaming.
 * Implementations: {@link StrongRejectImporter}, {@link XsTestImporter}, {@link CsvImporter}, {@link JsonlImporter}.
 */
public interface PromptImporter {
  /**
   * Passes every prompt of {@code file} to {@code sink} in file order. A bad row fails with a
   * {@link dev.deliberate.BadInputException} {@code FILE:LINE: ...}, or with {@code skipBad} is counted in the
   * returned {@link BadLines} (empty otherwise). A missing file fails with {@code FILE: no such file}.
   */
  BadLines read(Path file, boolean skipBad, Consumer<Prompt> sink);

  /** Every prompt of {@code file}, failing on the first bad row. */
  default List<Prompt> readAll(Path file) {
    List<Prompt> prompts = new ArrayList<>();
    read(file, false, prompts::add);
    return prompts;
  }
}
