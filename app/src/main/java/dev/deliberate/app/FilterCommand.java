package dev.deliberate.app;

import dev.deliberate.dataset.Filter;
import dev.deliberate.dataset.FilterOptions;
import dev.deliberate.dataset.FilterSummary;
import dev.deliberate.dataset.SpecTextCheck;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.pipeline.Stages;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate filter}: keeps the best judged samples and strips the spec. */
@Command(name = "filter", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Keep samples whose minimum judge score reaches --threshold, the best one per prompt, without near-duplicates "
          + "and within per-category caps, and write them as spec-free SFT examples (prompt messages -> reasoning "
          + "and answer) in our JSONL format.",
      "Every dropped sample is counted with its reason per category in the summary (printed and written to "
          + "--summary)."})
final class FilterCommand extends StageCommand {
  @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "The prompts the samples answer.")
  Path prompts;

  @Option(names = "--completions", required = true, paramLabel = "FILE", description = "Output of 'deliberate generate'.")
  Path completions;

  @Option(names = "--judgments", required = true, paramLabel = "FILE", description = "Output of 'deliberate judge'.")
  Path judgments;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "SFT examples (JSONL).")
  Path out;

  @Option(names = "--summary", paramLabel = "FILE", description = "Where to write the summary (default: OUT's directory/filter-summary.json).")
  Path summaryFile;

  @Option(names = "--threshold", defaultValue = "0.75", paramLabel = "X", description = "Minimum score to keep (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--best-of-k", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Keep only the best sample per prompt (default: on).")
  boolean bestOfK;

  @Option(names = "--category-cap", paramLabel = "N", description = "Keep at most N examples per category (default: no cap).")
  Integer categoryCap;

  @Option(names = "--dedup", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Drop examples whose prompt and answer, normalised, repeat an earlier one (default: on).")
  boolean dedup;

  @Option(names = "--drop-suspicious", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Drop samples a judge flagged as trying to instruct it (default: on).")
  boolean dropSuspicious;

  @Override
  protected int run() {
    FilterOptions options;
    try {
      options = new FilterOptions(threshold, bestOfK, categoryCap, dedup, dropSuspicious);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCode.BAD_INPUT, e.getMessage());
    }
    Filter filter = new Filter(options, new SpecTextCheck(spec(), Stage1Prompt.standard()));
    Path summaryOut = summaryFile != null ? summaryFile : out.toAbsolutePath().resolveSibling("filter-summary.json");
    FilterSummary summary = Stages.filter(prompts, completions, judgments, out, summaryOut, filter);
    out().printf("filter: %d kept -> %s, %d dropped%n", summary.kept(), out, summary.droppedTotal());
    for (Map.Entry<String, Map<String, Integer>> e : summary.dropped().entrySet()) {
      out().printf("  %-20s kept %d, dropped %s%n", e.getKey(), summary.keptByCategory().getOrDefault(e.getKey(), 0), e.getValue());
    }
    out().flush();
    return ExitCode.OK;
  }
}
