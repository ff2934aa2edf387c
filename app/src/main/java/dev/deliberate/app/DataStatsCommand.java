package dev.deliberate.app;

import dev.deliberate.data.DataStats;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate data stats FILE}. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Count the prompts of a prompts JSONL file by category, expected behaviour, attack and source.",
      "Every line is validated; a bad line stops with FILE:LINE unless --skip-bad is given."
    })
final class DataStatsCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "FILE", description = "A prompts JSONL file.")
  Path file;

  @Option(names = "--skip-bad", description = "Skip and report bad lines instead of failing on the first one.")
  boolean skipBad;

  @Override
  protected int run() {
    DataStats stats = new DataStats();
    try (JsonlReader<Prompt> reader = Prompts.read(file, skipBad)) {
      reader.forEach(stats::add);
      DataCommands.reportSkipped(err(), reader.skipped());
    }
    out().print(stats.render());
    out().flush();
    return ExitCode.OK;
  }
}
