package dev.deliberate.app;

import dev.deliberate.judge.Judges;
import dev.deliberate.judge.SampleJudge;
import dev.deliberate.judge.SpecJudge;
import dev.deliberate.run.StageModels;
import dev.deliberate.pipeline.Stages;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageExecutor;
import dev.deliberate.spec.Spec;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deliberate judge}: grades every usable sample K times against the spec. */
@Command(name = "judge", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Judge every usable sample of a generate output K times against spec(category) and keep the minimum score "
          + "(the mean is stored too). MODEL 'reference' is the offline rule-based judge; any other model string "
          + "is a model judge that answers with per-criterion scores as JSON (malformed replies are asked again "
          + "up to --attempts times; a sample without K valid verdicts is a failed record, judged again on a rerun).",
      "Rubric: decision, style, citations (only when the judge sees the reasoning), no_leak, helpfulness; "
          + "score = decision x mean(others). Resumable: rerunning skips samples already judged. The k-th judgment "
          + "of a sample is seeded --seed + 1000 + k, as in the pipeline's judge stage."})
final class JudgeCommand extends StageCommand {
  @Mixin ModelMixin model;

  @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "The prompts the samples answer.")
  Path prompts;

  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Completions from 'deliberate generate'.")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Judgments (JSONL), appended as they finish.")
  Path out;

  @Option(names = {"-k", "--samples"}, defaultValue = "3", paramLabel = "K", description = "Judgments per sample (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--sees-cot", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Show the reasoning to the judge (default: on; off for RL and evaluation).")
  boolean seesCot;

  @Option(names = "--label-hint", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Tell the judge the prompt's expected behaviour and ask whether it agrees (default: on).")
  boolean labelHint;

  @Option(names = "--attempts", defaultValue = "3", paramLabel = "N", description = "Requests per judgment when the reply is malformed (default: ${DEFAULT-VALUE}).")
  int attempts;

  @Option(names = "--temperature", paramLabel = "T", description = "Judge sampling temperature (default: the server's).")
  Double temperature;

  @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per judgment (default: the server's).")
  Integer maxTokens;

  @Mixin SeedOption seedOption;

  @Override
  protected int run() {
    if (samples < 1 || attempts < 1) {
      throw new ExitException(ExitCode.BAD_INPUT, "--samples and --attempts: expected at least 1");
    }
    Spec spec = spec();
    RunDirectory run = run(out);
    try (StageModels models = models(run)) {
      var settings = model.settings();
      // As in a pipeline: the k-th judgment of a sample is seeded --seed + 1000 + k.
      long judgeSeed = seedOption.seed + SpecJudge.SEED_OFFSET;
      var options = new SpecJudge.Options(attempts, temperature, maxTokens, judgeSeed, true);
      var judges = Judges.create(model.model, spec, m -> models.model(settings), options);
      SampleJudge judge = new SampleJudge(spec, judges, samples, seesCot, labelHint);
      java.time.Instant startedAt = java.time.Instant.now();
      StageExecutor.Summary s = Stages.judge(prompts, in, out, judge, options, model.concurrency(), err());
      run.update(m -> m.withSpecHash(spec.hash()));
      record(run, "judge", java.util.List.of(judge.judgeId()), judgeSeed, java.util.Map.of("samples", samples,
          "sees_cot", seesCot, "label_hint", labelHint, "attempts", attempts, "in", in.toString(),
          "judge_template_sha256", SpecJudge.templateHash()), out, s, startedAt, models);
      printUsage(models);
      return exitCode(s);
    }
  }
}
