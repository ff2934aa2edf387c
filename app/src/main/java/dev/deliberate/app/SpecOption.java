package dev.deliberate.app;

import dev.deliberate.BuiltinFiles;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --spec FILE} for the commands that work with a spec; without it, the project's default spec. */
final class SpecOption {
  @Option(names = "--spec", paramLabel = "FILE",
      description = "The safety spec (default: the built-in specs/default.md).")
  Path file;

  /** The spec's file: the one given, else the built-in default. */
  Path path() {
    return file != null ? file : BuiltinFiles.defaultSpec();
  }

  Spec parse() {
    return SpecParser.parse(path());
  }
}
