package dev.deliberate.data;

import dev.deliberate.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of a CSV file with a header line (RFC 4180: quoted fields may hold commas, quotes and newlines;
 * LF or CRLF line ends), decoding strict UTF-8 so that a bad byte is reported at its line. Every error is one line
 * naming the file and, for a row, the line where the row starts.
 */
final class CsvRows {
  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();

  /** One data row: the line it starts on and its values by column name. */
  record Row(Path file, long line, Map<String, String> values) {
    /** The value of a column the importer required; an empty value is an error. */
    String required(String column) {
      String value = values.get(column);
      if (value == null || value.isBlank()) {
        throw new BadInputException("column '" + column + "': expected a value, found an empty cell");
      }
      return value;
    }

    /** The value of a column, or null when the column is absent or the cell is empty. */
    String optional(String column) {
      String value = values.get(column);
      return value == null || value.isEmpty() ? null : value;
    }
  }

  private CsvRows() {}

  /**
   * Reads FILE, checks that every {@code required} column is present, and passes each row through {@code toPrompt}
   * to {@code sink}. A row that is malformed or that {@code toPrompt} rejects fails with {@code FILE:LINE: ...}, or
   * is counted in the returned {@link BadLines} when {@code skipBad}. Bytes that are not UTF-8 always fail: inside
   * a CSV they can break the row structure itself.
   */
  static BadLines read(Path file, List<String> required, boolean skipBad, Function<Row, Prompt> toPrompt, Consumer<Prompt> sink) {
    BadLines skipped = new BadLines(file);
    try (Reader reader = new Utf8Reader(file); CSVParser parser = CSVParser.parse(reader, FORMAT)) {
      List<String> columns = parser.getHeaderNames();
      for (String column : required) {
        if (!columns.contains(column)) {
          throw new BadInputException(file + ": missing column '" + column + "'; found columns: " + String.join(", ", columns));
        }
      }
      Iterator<CSVRecord> rows = parser.iterator();
      while (true) {
        long line = parser.getCurrentLineNumber() + 1;
        CSVRecord record;
        try {
          if (!rows.hasNext()) {
            break;
          }
          record = rows.next();
        } catch (UncheckedIOException e) {
          if (e.getCause() instanceof Utf8Reader.NotUtf8Line bad) {
            throw bad.error;
          }
          throw new BadInputException(file + ":" + line + ": not valid CSV (" + JsonlReader.firstLine(e.getCause().getMessage()) + ")");
        }
        try {
          if (record.size() != columns.size()) {
            throw new BadInputException("expected " + columns.size() + " columns, found " + record.size());
          }
          Map<String, String> values = new LinkedHashMap<>();
          for (int i = 0; i < columns.size(); i++) {
            values.put(columns.get(i), record.get(i));
          }
          sink.accept(toPrompt.apply(new Row(file, line, values)));
        } catch (BadInputException e) {
          if (!skipBad) {
            throw new BadInputException(file + ":" + line + ": " + e.getMessage(), e);
          }
          skipped.add(line, e.getMessage());
        }
      }
    } catch (Utf8Reader.NotUtf8Line e) {
      throw e.error;
    } catch (IllegalArgumentException e) {
      // commons-csv rejects duplicate or empty header names this way
      throw new BadInputException(file + ":1: not a valid CSV header (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new BadInputException(file + ": not valid CSV (" + JsonlReader.firstLine(e.getMessage()) + ")", e);
    }
    return skipped;
  }

  /** A character stream over the file that decodes line by line and reports a non-UTF-8 line by number. */
  static final class Utf8Reader extends Reader {
    /** Carries the one-line error through the CSV parser, which only lets IOExceptions out. */
    static final class NotUtf8Line extends IOException {
      final BadInputException error;

      NotUtf8Line(BadInputException error) {
        super(error.getMessage());
        this.error = error;
      }
    }

    private final Path file;
    private final Utf8Lines lines;
    private String current = "";
    private int pos;

    Utf8Reader(Path file) {
      this.file = file;
      this.lines = new Utf8Lines(JsonlReader.openFile(file));
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      while (pos == current.length()) {
        Utf8Lines.Line line;
        try {
          line = lines.next();
        } catch (Utf8Lines.NotUtf8 e) {
          throw new NotUtf8Line(new BadInputException(file + ":" + e.line + ": not valid UTF-8"));
        }
        if (line == null) {
          return -1;
        }
        current = line.text() + line.terminator();
        pos = 0;
      }
      int n = Math.min(length, current.length() - pos);
      current.getChars(pos, pos + n, buffer, offset);
      pos += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      lines.close();
    }
  }
}
