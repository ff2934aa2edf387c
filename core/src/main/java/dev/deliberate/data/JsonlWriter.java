package dev.deliberate.data;

import dev.deliberate.io.AtomicFiles;
import dev.deliberate.io.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Writes a whole JSONL file atomically (see {@link AtomicFiles}): records go to a temporary file and appear under
 * the target name only on {@link #commit()}. Closing without committing throws the records away, so an exception
 * half-way through never leaves a half-written file.
 *
 * <pre>{@code
 * try (JsonlWriter out = JsonlWriter.create(path)) {
 *   for (Prompt p : prompts) out.write(p);
 *   out.commit();
 * }
 * }</pre>
 *
 * For files that grow record by record and must survive a crash, use {@link JsonlAppender} instead.
 */
public final class JsonlWriter implements Closeable {
  private final AtomicFiles.Pending pending;
  private final Writer writer;
  private long count;

  private JsonlWriter(AtomicFiles.Pending pending) {
    this.pending = pending;
    this.writer = pending.writer();
  }

  /** Starts writing {@code target}, creating parent directories; the target is replaced on commit. */
  public static JsonlWriter create(Path target) {
    return new JsonlWriter(AtomicFiles.begin(target));
  }

  /** Writes all records to {@code target} atomically and returns how many were written. */
  public static long writeAll(Path target, Iterable<?> records) {
    return writeAll(target, records.iterator());
  }

  /** Writes all records of the stream to {@code target} atomically and returns how many were written. */
  public static long writeAll(Path target, Stream<?> records) {
    return writeAll(target, records.iterator());
  }

  private static long writeAll(Path target, Iterator<?> records) {
    try (JsonlWriter out = create(target)) {
      while (records.hasNext()) {
        out.write(records.next());
      }
      out.commit();
      return out.count();
    }
  }

  /** Appends one record as one line (serialised with {@link Json#line}). */
  public void write(Object record) {
    try {
      writer.write(Json.line(record));
      writer.write('\n');
      count++;
    } catch (IOException e) {
      throw new UncheckedIOException(pending.target() + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  /** Records written so far. */
  public long count() {
    return count;
  }

  public Path target() {
    return pending.target();
  }

  /** Makes the file appear under its name, complete and on disk. */
  public void commit() {
    try {
      pending.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(pending.target() + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  /** Abandons the file unless it was committed. */
  @Override
  public void close() {
    try {
      pending.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
