package dev.deliberate.app;

import dev.deliberate.data.BadLines;
import dev.deliberate.spec.Spec;
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
    // TODO(lead): the spec parser lands on the spec branch; replace this line with
    //   return dev.deliberate.spec.SpecParser.parse(file);
    throw new ExitException(ExitCode.FAILURE, "--spec " + file + ": the spec parser is not in this build yet");
  }
}
