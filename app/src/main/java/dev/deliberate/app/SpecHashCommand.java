package dev.deliberate.app;

import dev.deliberate.spec.SpecParser;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "hash",
    mixinStandardHelpOptions = true,
    description = {
      "Print the content hash of a safety spec (SHA-256, hex).",
      "",
      "Run manifests record this hash to name the spec a run used. Whitespace-only edits (reflowing, re-indenting, "
          + "blank lines) keep the hash; changing any word changes it.",
      "",
      "The spec must lint without errors; otherwise the first error is printed and the exit status is 2."
    })
final class SpecHashCommand extends BaseCommand {
  @Parameters(paramLabel = "FILE", description = "The spec to hash, e.g. specs/default.md.")
  Path file;

  @Override
  protected int run() {
    out().println(SpecParser.parse(file).hash());
    return ExitCode.OK;
  }
}
