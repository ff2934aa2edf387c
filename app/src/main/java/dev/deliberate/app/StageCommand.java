package dev.deliberate.app;

import dev.deliberate.pipeline.StageModels;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageExecutor;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What the single-stage commands share: the spec, the run directory for the manifest and cache, the exit code. */
abstract class StageCommand extends BaseCommand {
  @Option(names = "--spec", defaultValue = "specs/default.md", paramLabel = "FILE",
      description = "The safety spec (default: ${DEFAULT-VALUE}).")
  Path specFile;

  @Option(names = "--run", paramLabel = "DIR",
      description = "Run directory for manifest.json and the response cache (default: the output's directory).")
  Path runDir;

  Spec spec() {
    return SpecParser.parse(specFile);
  }

  RunDirectory run(Path out) {
    Path dir = runDir != null ? runDir : out.toAbsolutePath().getParent();
    return RunDirectory.open(dir, version());
  }

  StageModels models(RunDirectory run) {
    return new StageModels(run, StageModels.defaultResolver());
  }

  static int exitCode(StageExecutor.Summary s) {
    return s.interrupted() ? ExitCode.INTERRUPTED : s.failed() > 0 ? ExitCode.FAILURE : ExitCode.OK;
  }

  void printUsage(StageModels models) {
    models.accounting().snapshot().forEach((id, u) -> err().printf("usage: %s: %d calls, %d cache hits, %d retries, "
        + "%d prompt + %d completion tokens%n", id, u.requests(), u.cacheHits(), u.retries(), u.promptTokens(),
        u.completionTokens()));
    err().flush();
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
