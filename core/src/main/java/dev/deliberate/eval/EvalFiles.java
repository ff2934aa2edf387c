package dev.deliberate.eval;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The few file operations the eval stage needs: read a JSONL file (tolerating a torn last line left by a crash),
 * append one record durably, and replace a file atomically.
 *
 * <p>Glue: the data package's JSONL reader and writer replace the JSONL half when they land.
 */
public final class EvalFiles {
  private EvalFiles() {}

  /** Every record of a JSONL file; a missing file is empty. A final line without its newline was torn by a crash and is dropped. */
  public static <T> List<T> readJsonl(Path file, Class<T> type) throws IOException {
    List<T> records = new ArrayList<>();
    if (!Files.exists(file)) {
      return records;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      boolean last = i == lines.length - 1;
      if (line.isEmpty()) {
        continue;
      }
      try {
        records.add(Json.mapper().readValue(line, type));
      } catch (IOException e) {
        if (last) {
          truncateTornLine(file, text.length() - lines[i].length());
          break;
        }
        throw new BadInputException(file + ":" + (i + 1) + ": not a valid " + type.getSimpleName() + " record ("
            + firstLine(e.getMessage()) + ")");
      }
    }
    return records;
  }

  private static void truncateTornLine(Path file, int keepChars) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).substring(0, keepChars);
    writeAtomically(file, text);
  }

  /** A JSONL file open for appending, one record per call, flushed to the OS at once. */
  public static final class Appender implements AutoCloseable {
    private final BufferedWriter writer;

    public Appender(Path file) throws IOException {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public synchronized void append(Object record) {
      try {
        writer.write(Json.line(record));
        writer.write('\n');
        writer.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      writer.close();
    }
  }

  /** Writes the whole file to a temporary sibling and renames it over the target. */
  public static void writeAtomically(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
