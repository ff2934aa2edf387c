package dev.deliberate.app;

import dev.deliberate.engine.Engines;
import dev.deliberate.engine.training.EngineTrainer;
import dev.deliberate.pipeline.Pipeline;
import dev.deliberate.pipeline.PipelineFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate run PIPELINE.yaml}: the whole pipeline, resumable. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Run the stages a pipeline file configures, in order, in one run directory: import, attack, split, "
          + "classify, generate, judge, filter, export, sft, rl, eval, report. Stages without a section in the file are"
          + " skipped.",
      "sft and rl train local models (tiny, local:DIR or a model directory), one job or several named ones, into"
          + " RUN/model-NAME (model-sft and model-rl by default); eval writes RUN/eval/NAME/ per model and prints the"
          + " metrics table; report writes RUN/report.html and prints the comparison.",
      "Resumable: rerunning the same command skips finished work, so a finished run rerun makes no model call. "
          + "See examples/offline.yaml (fully offline), examples/vllm.yaml (OpenAI-compatible servers) and"
          + " 'deliberate quickstart --print-pipeline' (several students compared)."})
final class RunCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "The pipeline file.")
  Path pipeline;

  @Option(names = "--until", paramLabel = "STAGE", description = "Stop after this stage.")
  String until;

  @Option(names = "--only", paramLabel = "STAGE", description = "Run only this stage (its inputs must exist).")
  String only;

  @Option(names = "--set", paramLabel = "FIELD=VALUE",
      description = "Override a field of the file, e.g. --set generate.samples=4 or --set benchmarks=/data (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--run", paramLabel = "DIR", description = "Run directory (overrides run_dir).")
  Path runDir;

  @Override
  protected int run() {
    if (until != null && only != null) {
      throw new ExitException(ExitCode.BAD_INPUT, "--until and --only cannot be used together");
    }
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (runDir != null) {
      all.put("run_dir", runDir.toAbsolutePath().toString());
    }
    PipelineFile file = PipelineFile.read(pipeline, all);
    Pipeline.Stage untilStage = until == null ? null : Pipeline.Stage.parse(until);
    Pipeline.Stage onlyStage = only == null ? null : Pipeline.Stage.parse(only);
    return execute(file, untilStage, onlyStage, out(), err());
  }

  /**
   * Fixes the engine's thread count as the pipeline file says ({@code threads}, else the machine's processors) unless
   * this process already fixed one; returns the count in use. Call it before anything loads the engine.
   */
  static int fixThreads(PipelineFile file) {
    return Engines.fixThreads(file.config().threads() != null ? file.config().threads()
        : Runtime.getRuntime().availableProcessors());
  }

  /**
   * Runs a pipeline file as {@code deliberate run} does, for it and for the quickstart: the engine's thread count
   * fixed first ({@code threads}, else the machine's processors, never a number that follows the load), then the
   * stages; prints the summary, the time per stage and the model calls; returns the exit code.
   */
  static int execute(PipelineFile file, Pipeline.Stage until, Pipeline.Stage only, PrintWriter out, PrintWriter err) {
    int threads = fixThreads(file);
    String kernels = Engines.numerics().get("ATEN_CPU_CAPABILITY");
    err.println("engine: " + threads + (threads == 1 ? " thread" : " threads") + ", "
        + (kernels.equals("unset") ? "kernels chosen by the CPU" : kernels + " kernels")
        + " (the same seed, thread count and kernels give the same numbers on this machine, not always on another"
        + " CPU model; threads in the pipeline file or DELIBERATE_THREADS=N to change it)");
    Pipeline.Result result = new Pipeline(file, ModelStrings.resolver(), new EngineTrainer(), err, StageCommand.version())
        .run(until, only);
    out.print(result.summary());
    if (!result.seconds().isEmpty()) {
      out.println("time per stage:");
      result.seconds().forEach((stage, s) -> out.printf(Locale.ROOT, "  %-10s %7.1f s%n", stage, s));
      out.printf(Locale.ROOT, "  %-10s %7.1f s%n", "total",
          result.seconds().values().stream().mapToDouble(Double::doubleValue).sum());
    }
    out.println("run directory: " + file.runDir());
    result.modelCalls().forEach((model, calls) -> out.println("model calls: " + model + ": " + calls));
    out.flush();
    if (result.interrupted()) {
      err.println("interrupted; rerun the same command to resume");
      return ExitCode.INTERRUPTED;
    }
    if (!result.ok()) {
      err.println("error: " + (result.stopped() != null ? result.stopped()
          : "a stage ended with failed records; rerun the same command to try them again"));
      return ExitCode.FAILURE;
    }
    return ExitCode.OK;
  }
}
