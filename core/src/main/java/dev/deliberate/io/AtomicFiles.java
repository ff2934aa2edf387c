package dev.deliberate.io;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Whole-file writes that are all or nothing: the content goes to a temporary file in the target's directory, is
 * forced to disk, and is then renamed over the target in one atomic step. A crash or an exception at any point
 * leaves either the old file or the new one under the target name, never a partial one. Temporary files are named
 * {@code .NAME.RANDOM.tmp} and removed when a write is abandoned.
 *
 * <pre>{@code
 * try (AtomicFiles.Pending out = AtomicFiles.begin(target)) {
 *   out.writer().write("...");
 *   out.commit();           // without this, close() throws the temporary file away
 * }
 * }</pre>
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Replaces {@code target} with {@code text} (UTF-8) atomically. */
  public static void writeString(Path target, String text) {
    writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces {@code target} with {@code bytes} atomically. */
  public static void writeBytes(Path target, byte[] bytes) {
    try (Pending out = begin(target)) {
      out.stream().write(bytes);
      out.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(target + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  /** Starts an atomic write of {@code target}, creating its parent directories. */
  public static Pending begin(Path target) {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    try {
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
      // Temp files are created owner-only; the finished file should be as readable as any other output.
      if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      return new Pending(absolute, temp);
    } catch (IOException e) {
      throw new UncheckedIOException(target + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  /** An atomic write in progress: write through {@link #stream()} or {@link #writer()}, then {@link #commit()}. */
  public static final class Pending implements Closeable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream stream;
    private Writer writer;
    private boolean done;

    private Pending(Path target, Path temp) throws IOException {
      this.target = target;
      this.temp = temp;
      this.channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      this.stream = Channels.newOutputStream(channel);
    }

    public Path target() {
      return target;
    }

    /** The temporary file being written (for tests and diagnostics). */
    public Path temp() {
      return temp;
    }

    /** The raw byte stream; do not mix with {@link #writer()}. */
    public OutputStream stream() {
      return stream;
    }

    /** A buffered UTF-8 writer over the temporary file. */
    public Writer writer() {
      if (writer == null) {
        writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
      }
      return writer;
    }

    /** Flushes, forces the bytes to disk and renames the temporary file over the target. */
    public void commit() throws IOException {
      if (done) {
        throw new IllegalStateException("already committed or abandoned: " + target);
      }
      if (writer != null) {
        writer.flush();
      }
      channel.force(true);
      channel.close();
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
      syncDirectory(target.getParent());
    }

    /** Abandons the write unless it was committed: the temporary file is deleted and the target is untouched. */
    @Override
    public void close() throws IOException {
      if (!done) {
        done = true;
        try {
          channel.close();
        } finally {
          Files.deleteIfExists(temp);
        }
      }
    }
  }

  /** Makes a rename durable; not every platform lets a directory be opened, so failure here is not an error. */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort
    }
  }

  /** Writes the files of a directory. */
  @FunctionalInterface
  public interface DirectoryWriter {
    void writeInto(Path dir) throws IOException;
  }

  /**
   * Replaces the directory {@code dir} with one that {@code writer} fills: it writes into {@code DIR.tmp}, which is
   * then renamed into place, the old directory moved aside first and deleted last. Until the rename the old
   * directory stays whole, so a crash leaves the old one or the new one under {@code dir} (and a leftover that the
   * next call removes), never a half-written one.
   */
  public static void replaceDirectory(Path dir, DirectoryWriter writer) throws IOException {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    deleteRecursively(tmp);
    Files.createDirectories(tmp);
    writer.writeInto(tmp);
    deleteRecursively(old);
    if (Files.exists(dir)) {
      Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    deleteRecursively(old);
  }

  /** Deletes a directory and everything in it; nothing when it does not exist. */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
