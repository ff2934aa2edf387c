package dev.deliberate.app;

import dev.deliberate.data.CategoryMap;
import dev.deliberate.spec.Finding;
import dev.deliberate.spec.SpecLinter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = {
      "Check that a safety spec is well-formed.",
      "",
      "Prints every problem found, one per line as 'FILE:LINE: error|warning: what is wrong; expected ...', then a "
          + "summary line 'N errors, M warnings'.",
      "",
      "Checks: the YAML front matter (id, version, categories with default_style); an anchor {#...} on every "
          + "category, sub-section and style heading, each used once; a Disallowed and an Allowed section per "
          + "category; known styles (comply, refuse, safe-complete) with a section each; no empty sections; every "
          + "#anchor citation names an existing anchor; the front matter and the headings list the same categories "
          + "with the same titles and default styles; the categories the StrongREJECT and XSTest importers map to exist (a warning). The layout is described in docs/spec-format.md.",
      "",
      "Exit status: 0 when there are no errors (warnings allowed), 1 when there are errors, 2 when the file cannot "
          + "be read (missing, not UTF-8)."
    })
final class SpecLintCommand extends BaseCommand {
  @Parameters(paramLabel = "FILE", description = "The spec to check, e.g. specs/default.md.")
  Path file;

  @Override
  protected int run() {
    List<Finding> findings = SpecLinter.lint(file, CategoryMap.benchmarkAnchorsCheck());
    findings.forEach(f -> out().println(f));
    out().println(SpecLinter.summary(findings));
    return findings.stream().anyMatch(Finding::isError) ? ExitCode.FAILURE : ExitCode.OK;
  }
}
