package dev.deliberate.app;

import dev.deliberate.spec.Category;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "categories",
    mixinStandardHelpOptions = true,
    description = {
      "List the categories of a safety spec: anchor, default style, title.",
      "",
      "One line per category in document order, in aligned columns. The anchors are the names prompts are "
          + "labelled with and chains of thought cite.",
      "",
      "The spec must lint without errors; otherwise the first error is printed and the exit status is 2."
    })
final class SpecCategoriesCommand extends BaseCommand {
  @Parameters(paramLabel = "FILE", description = "The spec to read, e.g. specs/default.md.")
  Path file;

  @Override
  protected int run() {
    Spec spec = SpecParser.parse(file);
    int anchorWidth = spec.categories().stream().mapToInt(c -> c.anchor().length()).max().orElse(0);
    int styleWidth = spec.categories().stream().mapToInt(c -> c.defaultStyle().wireName().length()).max().orElse(0);
    for (Category category : spec.categories()) {
      out().printf("%-" + anchorWidth + "s  %-" + styleWidth + "s  %s%n",
          category.anchor(), category.defaultStyle().wireName(), category.title());
    }
    return ExitCode.OK;
  }
}
