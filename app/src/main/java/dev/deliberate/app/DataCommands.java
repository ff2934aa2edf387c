package dev.deliberate.app;

import dev.deliberate.data.BadLines;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import java.io.PrintWriter;
import java.nio.file.Path;

/** What the {@code data} commands share. */
final class DataCommands {
  private DataCommands() {}

  /** Prints {@code warning: skipped N bad lines in FILE (lines ...)} and one line per skipped line, if any. */
  static void reportSkipped(PrintWriter err, BadLines skipped) {
    if (!skipped.isEmpty()) {
      err.println("warning: " + skipped.summary());
      skipped.describe().forEach(line -> err.println("  " + line));
      err.flush();
    }
  }

  /** Parses a spec for {@code --spec} checks. */
  static Spec loadSpec(Path file) {
    return SpecParser.parse(file);
  }
}
