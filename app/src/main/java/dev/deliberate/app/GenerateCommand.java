package dev.deliberate.app;

import dev.deliberate.generate.ReferenceGenerator;
import dev.deliberate.generate.Generator;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.run.StageModels;
import dev.deliberate.pipeline.Stages;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageExecutor;
import dev.deliberate.spec.Spec;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deliberate generate}: stage 1, chains of thought and answers written with the spec in context. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Generate K samples per prompt with spec(category) and our instructions in context: the model reasons, cites "
          + "the spec by anchor, decides comply / refuse / safe-complete and answers in that style.",
      "Each output line holds one prompt's samples: reasoning, answer, and the reason when a sample is unusable "
          + "(no_reasoning, no_answer, analysis_leak, truncated). Resumable: rerunning skips prompts already done.",
      "Prompts need a category (run 'deliberate classify' first when they lack one)."})
final class GenerateCommand extends StageCommand {
  @Mixin ModelMixin model;

  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Prompts (JSONL prompt records).")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Completions (JSONL), appended as they finish.")
  Path out;

  @Option(names = {"-k", "--samples"}, defaultValue = "2", paramLabel = "K", description = "Samples per prompt (default: ${DEFAULT-VALUE}).")
  int samples;

  @Mixin SamplingOptions sampling;

  @Mixin SeedOption seedOption;

  @Option(names = "--pass-labels", negatable = true, paramLabel = "BOOL",
      description = "Send the prompt's labels in the request (default: only to the reference model).")
  Boolean passLabels;

  @Override
  protected int run() {
    if (samples < 1) {
      throw new ExitException(ExitCode.BAD_INPUT, "--samples: expected at least 1, got " + samples);
    }
    Spec spec = spec();
    RunDirectory run = run(out);
    try (StageModels models = models(run)) {
      var chat = models.model(model.settings());
      boolean labels = passLabels != null ? passLabels : ReferenceGenerator.isReference(model.model);
      Generator generator = new Generator(chat, spec, Stage1Prompt.standard(),
          new Generator.Options(samples, sampling.temperature, sampling.topP, sampling.maxTokens, seedOption.seed, labels));
      java.time.Instant startedAt = java.time.Instant.now();
      StageExecutor.Summary s = Stages.generate(in, out, generator, null, model.concurrency(), err());
      run.update(m -> m.withSpecHash(spec.hash()));
      record(run, "generate", java.util.List.of(chat.id()), seedOption.seed, java.util.Map.of("samples", samples,
          "pass_labels", labels, "in", in.toString(), "stage1_template_version", Stage1Prompt.standard().version(),
          "stage1_template_sha256", Stage1Prompt.standard().hash()), out, s, startedAt, models);
      printUsage(models);
      return exitCode(s);
    }
  }
}
