package dev.deliberate.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.data.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The few file operations a run needs: atomic replacement and streaming JSONL reading with file:line errors.
 * (Kept minimal here until the shared JSONL utilities of {@code dev.deliberate.data} land; then this delegates.)
 */
public final class RunFiles {
  private RunFiles() {}

  /** Writes {@code text} to {@code target} through a temporary file and a rename, so readers see old or new. */
  public static void writeAtomically(Path target, String text) {
    Path dir = target.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try {
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Counts the non-blank lines of a file without holding it in memory. */
  public static long countRecords(Path file) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long n = 0;
      for (String line; (line = reader.readLine()) != null; ) {
        if (!line.isBlank()) {
          n++;
        }
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Streams the records of a JSONL file, one object per line, as {@code type}. A line that is not a valid record
   * stops the stream with a {@link BadInputException} naming {@code file:line}. Close the returned reader.
   */
  public static <T> JsonlReader<T> read(Path file, Class<T> type) {
    try {
      return new JsonlReader<>(file, Files.newBufferedReader(file, StandardCharsets.UTF_8), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An iterator over a JSONL file's records that must be closed. */
  public static final class JsonlReader<T> implements Iterator<T>, AutoCloseable {
    private final Path file;
    private final BufferedReader reader;
    private final Class<T> type;
    private long lineNumber;
    private T next;

    private JsonlReader(Path file, BufferedReader reader, Class<T> type) {
      this.file = file;
      this.reader = reader;
      this.type = type;
    }

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      try {
        for (String line; (line = reader.readLine()) != null; ) {
          lineNumber++;
          if (!line.isBlank()) {
            next = parse(line);
            return true;
          }
        }
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      T value = next;
      next = null;
      return value;
    }

    private T parse(String line) {
      try {
        JsonNode node = Json.mapper().readTree(line);
        if (node == null || !node.isObject()) {
          throw new BadInputException(file + ":" + lineNumber + ": expected one JSON object per line");
        }
        return Json.mapper().treeToValue(node, type);
      } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
        String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        throw new BadInputException(file + ":" + lineNumber + ": not a valid " + type.getSimpleName() + " record: "
            + dev.deliberate.model.ModelFailures.oneLine(String.valueOf(why), 200), e);
      }
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
