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
      "Print spec(category): exactly the text the generator and the judge see for a prompt of one category.",
      "It holds the preamble, the full text of that category, a one-line summary of every other category,",
      "and all style sections (comply, refuse, safe-complete). Author notes in HTML comments are left out.",
      "",
      "An unknown category is an error that lists the known anchors (exit status 2)."
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
