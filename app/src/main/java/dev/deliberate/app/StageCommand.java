package dev.deliberate.app;

import dev.deliberate.run.StageModels;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageExecutor;
import dev.deliberate.spec.Spec;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What the single-stage commands share: the spec, the run directory for the manifest and cache, the exit code. */
abstract class StageCommand extends BaseCommand {
  @Mixin SpecOption specOption;

  @Option(names = "--run", paramLabel = "DIR",
      description = "Run directory for manifest.json and the response cache (default: the output's directory).")
  Path runDir;

  Spec spec() {
    return specOption.parse();
  }

  RunDirectory run(Path out) {
    Path dir = runDir != null ? runDir : out.toAbsolutePath().getParent();
    return RunDirectory.open(dir, version());
  }

  StageModels models(RunDirectory run) {
    return new StageModels(run, ModelStrings.resolver());
  }

  /** Records the stage in the run's manifest: models, options, counts, timing and usage. */
  void record(RunDirectory run, String name, java.util.List<String> models, Long seed,
      java.util.Map<String, Object> config, Path output, StageExecutor.Summary s, java.time.Instant startedAt,
      StageModels stageModels) {
    String status = s.interrupted() ? "interrupted" : s.failed() > 0 ? "failed" : "done";
    var counts = new dev.deliberate.run.Manifest.Counts(s.total(), s.doneInOutput(), s.failed(), s.skipped());
    var stage = new dev.deliberate.run.Manifest.Stage(name, status, models, seed, config, null, output.toString(),
        counts, startedAt.toString(), java.time.Instant.now().toString(), s.elapsed().toMillis() / 1000.0,
        stageModels.accounting().snapshot());
    run.update(m -> m.withStage(stage));
  }

  static int exitCode(StageExecutor.Summary s) {
    return s.interrupted() ? ExitCode.INTERRUPTED : s.failed() > 0 ? ExitCode.FAILURE : ExitCode.OK;
  }

  void printUsage(StageModels models) {
    printUsage(err(), models);
  }

  /** One line per model: calls, cache hits, retries and tokens. */
  static void printUsage(java.io.PrintWriter err, StageModels models) {
    models.accounting().snapshot().forEach((id, u) -> err.printf("usage: %s: %d calls, %d cache hits, %d retries, "
        + "%d prompt + %d completion tokens%n", id, u.requests(), u.cacheHits(), u.retries(), u.promptTokens(),
        u.completionTokens()));
    err.flush();
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
