package dev.deliberate.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The lines skipped in {@code --skip-bad} mode: the total count and the first {@value #KEPT} with their reasons,
 * so that skipping never loses data silently and a huge bad file still uses bounded memory.
 */
public final class BadLines {
  /** How many skipped lines are kept with their reasons; the rest are only counted. */
  public static final int KEPT = 100;

  /** One skipped line: its number and the one-line reason (without the file name). */
  public record BadLine(long line, String reason) {}

  private final Path file;
  private final List<BadLine> first = new ArrayList<>();
  private long count;

  public BadLines(Path file) {
    this.file = file;
  }

  void add(long line, String reason) {
    count++;
    if (first.size() < KEPT) {
      first.add(new BadLine(line, reason));
    }
  }

  public Path file() {
    return file;
  }

  public long count() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The first {@value #KEPT} skipped lines, in file order. */
  public List<BadLine> first() {
    return List.copyOf(first);
  }

  /** One line per skipped line ({@code FILE:LINE: reason}), then a count of those not shown. */
  public List<String> describe() {
    List<String> lines = first.stream().map(b -> file + ":" + b.line() + ": " + b.reason()).collect(Collectors.toList());
    if (count > first.size()) {
      lines.add("... and " + (count - first.size()) + " more bad lines in " + file);
    }
    return lines;
  }

  /** {@code skipped 3 bad lines in FILE (lines 2, 5, 9)}, or an empty string when none was skipped. */
  public String summary() {
    if (count == 0) {
      return "";
    }
    String numbers = first.stream().map(b -> Long.toString(b.line())).collect(Collectors.joining(", "));
    return "skipped " + count + " bad line" + (count == 1 ? "" : "s") + " in " + file + " (line" + (count == 1 ? " " : "s ")
        + numbers + (count > first.size() ? ", ..." : "") + ")";
  }
}
