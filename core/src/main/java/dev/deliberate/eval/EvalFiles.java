package dev.deliberate.eval;

import dev.deliberate.data.JsonlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading the eval directory's JSONL files, where a file not written yet simply has no records. */
public final class EvalFiles {
  private EvalFiles() {}

  /** Every record of a JSONL file, or none when the file does not exist; a bad line is a one-line error. */
  public static <T> List<T> readJsonl(Path file, Class<T> type) {
    List<T> records = new ArrayList<>();
    if (!Files.exists(file)) {
      return records;
    }
    try (JsonlReader<T> reader = JsonlReader.open(file, type, false)) {
      reader.forEach(records::add);
    }
    return records;
  }
}
