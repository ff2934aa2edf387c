package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.data.BadLines;
import dev.deliberate.data.ColumnMapping;
import dev.deliberate.data.CsvImporter;
import dev.deliberate.data.DataStats;
import dev.deliberate.data.JsonlImporter;
import dev.deliberate.data.JsonlWriter;
import dev.deliberate.data.PromptImporter;
import dev.deliberate.data.SpecCheck;
import dev.deliberate.data.StrongRejectImporter;
import dev.deliberate.data.XsTestImporter;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.Style;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate data import FORMAT FILE -o OUT.jsonl}. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import prompts from a benchmark or any CSV/JSONL file into prompts JSONL.",
      "",
      "Formats:",
      "  strongreject  StrongREJECT CSV (category,source,forbidden_prompt);",
      "                expected refuse; category mapped to a spec anchor.",
      "  xstest        XSTest CSV (id,prompt,type,label,focus,note); label",
      "                safe -> comply, unsafe -> refuse; category by type and",
      "                keywords (the tables are in CategoryMap).",
      "  csv           any CSV with a header; map columns with the options below.",
      "  jsonl         any JSONL of objects; map fields with the options below.",
      "For csv and jsonl, unmapped columns or fields are kept as metadata.",
      "",
      "The output is written atomically; counts by category and expected",
      "behaviour are printed. Bad rows stop the import with FILE:LINE unless",
      "--skip-bad is given.",
      "",
      "Examples:",
      "  deliberate data import strongreject strongreject_dataset.csv -o sr.jsonl",
      "  deliberate data import csv my.csv --text-column question \\",
      "      --category violence --expected refuse -o my.jsonl"
    })
final class DataImportCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "FORMAT", description = "strongreject, xstest, csv or jsonl.")
  String format;

  @Parameters(index = "1", paramLabel = "FILE", description = "The file to import.")
  Path file;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT.jsonl", description = "Where to write the prompts.")
  Path out;

  @Option(names = "--spec", paramLabel = "SPEC.md", description = "Check that every category is a category of this spec.")
  Path specFile;

  @Option(names = "--skip-bad", description = "Skip and report bad rows instead of failing on the first one.")
  boolean skipBad;

  @Option(names = "--text-column", paramLabel = "NAME", description = "csv/jsonl: column with the prompt text (default: prompt; for jsonl, a record without prompt"
          + " reads its conversation from messages). A jsonl text field may hold a chat conversation (an array of"
          + " {role, content}, as OpenAI and Hugging Face write it); trailing assistant turns go to metadata.completion.")
  String textColumn;

  @Option(names = "--id-column", paramLabel = "NAME", description = "csv/jsonl: column with the prompt id (default: ids from the content).")
  String idColumn;

  @Option(names = "--category-column", paramLabel = "NAME", description = "csv/jsonl: column with the spec category anchor.")
  String categoryColumn;

  @Option(names = "--expected-column", paramLabel = "NAME", description = "csv/jsonl: column with comply, refuse or safe-complete.")
  String expectedColumn;

  @Option(names = "--category", paramLabel = "ANCHOR", description = "csv/jsonl: the category of every prompt.")
  String category;

  @Option(names = "--expected", paramLabel = "STYLE", description = "csv/jsonl: the expected behaviour of every prompt (comply, refuse, safe-complete).")
  String expected;

  @Option(names = "--source", paramLabel = "NAME", description = "csv/jsonl: the prompts' source name (default: the file name without extension).")
  String source;

  @Override
  protected int run() {
    PromptImporter importer = importer();
    Spec spec = specFile == null ? null : DataCommands.loadSpec(specFile);
    DataStats stats = new DataStats();
    BadLines skipped;
    try (JsonlWriter writer = JsonlWriter.create(out)) {
      skipped = importer.read(file, skipBad, prompt -> {
        stats.add(prompt);
        writer.write(prompt);
      });
      if (stats.total() == 0) {
        throw new BadInputException(file + ": no prompts found");
      }
      if (spec != null) {
        SpecCheck.requireKnown(file.toString(), stats.byCategory(), spec);
      }
      writer.commit();
    }
    DataCommands.reportSkipped(err(), skipped);
    out().println("imported " + stats.total() + " prompts from " + file + " to " + out);
    out().print(stats.render());
    out().flush();
    return ExitCode.OK;
  }

  private PromptImporter importer() {
    String kind = format.toLowerCase(Locale.ROOT);
    boolean mapped = textColumn != null || idColumn != null || categoryColumn != null || expectedColumn != null
        || category != null || expected != null || source != null;
    switch (kind) {
      case "strongreject", "xstest" -> {
        if (mapped) {
          throw new BadInputException("--text-column, --id-column, --category-column, --expected-column, --category, --expected "
              + "and --source apply only to csv and jsonl imports");
        }
        return kind.equals("strongreject") ? new StrongRejectImporter() : new XsTestImporter();
      }
      case "csv", "jsonl" -> {
        if (categoryColumn != null && category != null) {
          throw new BadInputException("--category-column and --category: give one, not both");
        }
        if (expectedColumn != null && expected != null) {
          throw new BadInputException("--expected-column and --expected: give one, not both");
        }
        Style style = null;
        if (expected != null) {
          try {
            style = Style.parse(expected);
          } catch (BadInputException e) {
            throw new BadInputException("--expected: expected one of " + Style.names() + ", found '" + expected + "'");
          }
        }
        String name = file.getFileName().toString();
        String defaultSource = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        ColumnMapping mapping = new ColumnMapping(
            textColumn == null ? ColumnMapping.DEFAULT_TEXT_COLUMN : textColumn, idColumn, categoryColumn, expectedColumn, category, style,
            source == null ? defaultSource : source);
        return kind.equals("csv") ? new CsvImporter(mapping) : new JsonlImporter(mapping);
      }
      default -> throw new BadInputException("unknown format '" + format + "': expected strongreject, xstest, csv or jsonl");
    }
  }
}
