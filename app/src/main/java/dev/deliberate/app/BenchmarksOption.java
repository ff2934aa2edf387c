package dev.deliberate.app;

import dev.deliberate.BuiltinFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --benchmarks DIR} for the commands that read StrongREJECT and XSTest; without it, the shipped copy. */
final class BenchmarksOption {
  @Option(names = "--benchmarks", paramLabel = "DIR",
      description = "Directory holding strongreject/ and xstest/ (default: the benchmark files shipped with"
          + " deliberate, see benchmarks/README.md).")
  Path dir;

  /** The directory given, else the built-in benchmarks. */
  Path path() {
    return dir != null ? dir : BuiltinFiles.benchmarks();
  }
}
