package dev.deliberate.data;

import dev.deliberate.io.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A JSONL file that grows one record at a time and survives a crash: the file behind a resumable stage.
 *
 * <p>Each {@link #append} writes the whole line (record plus {@code '\n'}) in one call straight to the operating
 * system, so a record is either complete or, if the process dies mid-write, a torn last line without its
 * {@code '\n'}. Opening the file again ({@link #open}) or calling {@link #repair} cuts such a torn line off, so the
 * file again holds only complete records and the lost record is simply redone. {@link #sync()} forces written
 * records to disk (against power loss, not just process death); {@link #close()} syncs too.
 *
 * <p>Appends are synchronized, so worker threads may share one appender. One appender per file at a time.
 *
 * <pre>{@code
 * Set<String> done = ...ids read from the file (after JsonlAppender.repair(file))...;
 * try (JsonlAppender out = JsonlAppender.open(file)) {
 *   for (...) if (!done.contains(id)) out.append(record);
 * }
 * }</pre>
 */
public final class JsonlAppender implements Closeable {
  private final Path file;
  private final FileChannel channel;
  private final long repairedBytes;
  private long appended;

  private JsonlAppender(Path file, FileChannel channel, long repairedBytes) {
    this.file = file;
    this.channel = channel;
    this.repairedBytes = repairedBytes;
  }

  /** Opens {@code file} for appending, creating it (and its directories) if missing and cutting off a torn last line. */
  public static JsonlAppender open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      try {
        long cut = truncateTornLine(channel);
        channel.position(channel.size());
        return new JsonlAppender(file, channel, cut);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot open for appending (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Cuts a torn last line (bytes after the last {@code '\n'}) off {@code file} and returns how many bytes were
   * removed; 0 when the file ends cleanly or does not exist. Call it before reading a file another run may have
   * left torn.
   */
  public static long repair(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      return truncateTornLine(channel);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot repair (" + e.getMessage() + ")", e);
    }
  }

  private static long truncateTornLine(FileChannel channel) throws IOException {
    long size = channel.size();
    long end = size;
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    // Scan backwards for the last '\n'; everything after it is a torn record.
    while (end > 0) {
      int length = (int) Math.min(buffer.capacity(), end);
      buffer.clear().limit(length);
      long start = end - length;
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, start + buffer.position()) < 0) {
          throw new IOException("file shrank while reading");
        }
      }
      for (int i = length - 1; i >= 0; i--) {
        if (buffer.get(i) == '\n') {
          long keep = start + i + 1;
          if (keep < size) {
            channel.truncate(keep);
            channel.force(true);
          }
          return size - keep;
        }
      }
      end = start;
    }
    if (size > 0) {
      channel.truncate(0);
      channel.force(true);
    }
    return size;
  }

  /** Appends one record as one complete line and hands it to the operating system before returning. */
  public synchronized void append(Object record) {
    ByteBuffer line = ByteBuffer.wrap((Json.line(record) + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      while (line.hasRemaining()) {
        channel.write(line);
      }
      appended++;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot append (" + e.getMessage() + ")", e);
    }
  }

  /** Forces every appended record to disk. */
  public synchronized void sync() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot sync (" + e.getMessage() + ")", e);
    }
  }

  public Path file() {
    return file;
  }

  /** Records appended through this appender. */
  public synchronized long appended() {
    return appended;
  }

  /** Bytes of a torn last line cut off when the file was opened (0 when it ended cleanly). */
  public long repairedBytes() {
    return repairedBytes;
  }

  /** Syncs and closes. */
  @Override
  public synchronized void close() {
    try {
      if (channel.isOpen()) {
        channel.force(false);
        channel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot close (" + e.getMessage() + ")", e);
    }
  }
}
