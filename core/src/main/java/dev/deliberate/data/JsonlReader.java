package dev.deliberate.data;

import dev.deliberate.io.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Streams the records of a JSONL file one at a time, in constant memory (bounded by the longest line).
 *
 * <p>Each non-blank line must be one JSON object. A line that is not valid UTF-8, not valid JSON, not an object,
 * or that the decoder rejects fails with a {@link BadInputException} {@code FILE:LINE: what is wrong} — unless the
 * reader was opened with {@code skipBad}, in which case the line is counted in {@link #skipped()} and reading goes
 * on. Blank lines are ignored. CRLF line ends and a UTF-8 byte-order mark are accepted.
 *
 * <pre>{@code
 * try (JsonlReader<Prompt> reader = JsonlReader.open(file, Prompts::decode, false)) {
 *   for (Prompt p : reader) { ... }
 * }
 * }</pre>
 */
public final class JsonlReader<T> implements Iterable<T>, Closeable {
  /**
   * Turns one JSON object into a record. Throws {@link BadInputException} with a message that names the field but
   * not the place (e.g. {@code field 'messages': expected a non-empty array}); the reader adds {@code FILE:LINE: }.
   */
  @FunctionalInterface
  public interface Decoder<T> {
    T decode(JsonNode object);
  }

  private final Path file;
  private final Utf8Lines lines;
  private final Decoder<T> decoder;
  private final boolean skipBad;
  private final BadLines skipped;
  private long records;
  private boolean iterated;

  private JsonlReader(Path file, InputStream in, Decoder<T> decoder, boolean skipBad) {
    this.file = file;
    this.lines = new Utf8Lines(in);
    this.decoder = decoder;
    this.skipBad = skipBad;
    this.skipped = new BadLines(file);
  }

  /** Opens FILE and decodes each line with {@code decoder}. A missing file fails with {@code FILE: no such file}. */
  public static <T> JsonlReader<T> open(Path file, Decoder<T> decoder, boolean skipBad) {
    return new JsonlReader<>(file, openFile(file), decoder, skipBad);
  }

  /** Opens FILE and maps each line onto {@code type} with the project's {@link Json#mapper()}. */
  public static <T> JsonlReader<T> open(Path file, Class<T> type, boolean skipBad) {
    return open(file, node -> bind(node, type), skipBad);
  }

  /** Opens FILE and returns each line as a JSON object node. */
  public static JsonlReader<JsonNode> open(Path file, boolean skipBad) {
    return open(file, node -> node, skipBad);
  }

  /** Reads an already open stream (closed with the reader); {@code name} is used in error messages. */
  public static <T> JsonlReader<T> open(Path name, InputStream in, Decoder<T> decoder, boolean skipBad) {
    return new JsonlReader<>(name, in, decoder, skipBad);
  }

  /** Maps an object onto {@code type}; a mismatch becomes {@code field 'a.b': expected ...}. */
  public static <T> T bind(JsonNode node, Class<T> type) {
    try {
      return Json.mapper().treeToValue(node, type);
    } catch (JsonMappingException e) {
      String path = e.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
          .orElse("");
      String what = firstLine(e.getOriginalMessage());
      throw new BadInputException(path.isEmpty() ? what : "field '" + path + "': " + what, e);
    } catch (JsonProcessingException e) {
      throw new BadInputException(firstLine(e.getOriginalMessage()), e);
    } catch (IllegalArgumentException | NullPointerException e) {
      // thrown by records' compact constructors
      throw new BadInputException("not a valid " + type.getSimpleName() + " (" + e.getMessage() + ")", e);
    }
  }

  static InputStream openFile(Path file) {
    if (Files.isDirectory(file)) {
      throw new BadInputException(file + ": is a directory, expected a file");
    }
    if (!Files.exists(file)) {
      throw new BadInputException(file + ": no such file");
    }
    try {
      return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  public Path file() {
    return file;
  }

  /** Lines skipped so far (only ever non-empty in skip-bad mode). Complete once iteration has finished. */
  public BadLines skipped() {
    return skipped;
  }

  /** Records returned so far. */
  public long records() {
    return records;
  }

  /** The next record, or null at the end of the file. */
  public T next() {
    while (true) {
      Utf8Lines.Line line;
      try {
        line = lines.next();
      } catch (Utf8Lines.NotUtf8 e) {
        bad(e.line, "not valid UTF-8");
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
      }
      if (line == null) {
        return null;
      }
      if (line.text().isBlank()) {
        continue;
      }
      T record;
      try {
        record = decoder.decode(parseObject(line.text()));
      } catch (BadInputException e) {
        bad(line.number(), e.getMessage());
        continue;
      }
      records++;
      return record;
    }
  }

  private void bad(long line, String reason) {
    if (!skipBad) {
      throw new BadInputException(file + ":" + line + ": " + reason);
    }
    skipped.add(line, reason);
  }

  private static JsonNode parseObject(String text) {
    try (JsonParser parser = Json.mapper().createParser(text)) {
      JsonNode node = Json.mapper().readTree(parser);
      if (parser.nextToken() != null) {
        throw new BadInputException("not valid JSON (more than one value on the line)");
      }
      if (node == null || !node.isObject()) {
        throw new BadInputException("expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BadInputException("not valid JSON (" + firstLine(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Iterates the remaining records once. */
  @Override
  public Iterator<T> iterator() {
    if (iterated) {
      throw new IllegalStateException("a JsonlReader can be iterated only once");
    }
    iterated = true;
    return new Iterator<>() {
      private T ahead;

      @Override
      public boolean hasNext() {
        if (ahead == null) {
          ahead = JsonlReader.this.next();
        }
        return ahead != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T result = ahead;
        ahead = null;
        return result;
      }
    };
  }

  /** The remaining records as a sequential stream; closing the stream closes the reader. */
  public Stream<T> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(this::close);
  }

  @Override
  public void close() {
    try {
      lines.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
