package dev.deliberate.app;

import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Print spec(category), the excerpt the generator and the judge see.",
      "",
      "The excerpt holds the preamble, the full text of one category, a one-line summary of every other category, "
          + "and all style sections (comply, refuse, safe-complete). Author notes in HTML comments are left out.",
      "",
      "The spec must lint without errors, and an unknown category is an error listing the known anchors; both exit "
          + "with status 2."
    })
final class SpecShowCommand extends BaseCommand {
  @Parameters(paramLabel = "FILE", description = "The spec to read, e.g. specs/default.md.")
  Path file;

  @Option(names = {"-c", "--category"}, required = true, paramLabel = "ANCHOR",
      description = "The category anchor, e.g. violence (see 'deliberate spec categories FILE').")
  String category;

  @Override
  protected int run() {
    Spec spec = SpecParser.parse(file);
    out().print(spec.excerpt(category));
    out().flush();
    return ExitCode.OK;
  }
}
