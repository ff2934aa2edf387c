package dev.deliberate.app;

import dev.deliberate.generate.ReferenceGenerator;
import dev.deliberate.generate.Classifier;
import dev.deliberate.generate.LabelClassifier;
import dev.deliberate.generate.ModelClassifier;
import dev.deliberate.run.StageModels;
import dev.deliberate.pipeline.Stages;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.spec.Spec;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deliberate classify}: gives prompts without a category one of the spec's. */
@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Give every prompt without a category one of the spec's category anchors (--reclassify: every prompt). A "
          + "model picks from the spec's list and answers {\"category\": \"ANCHOR\"}; a reply that names none is "
          + "a failed record, asked again on a rerun. MODEL 'reference' uses the labels the prompt already carries "
          + "(its category, or a metadata value naming a category) and never guesses.",
      "Writes every prompt with its category to --out: a prompt that came with a category is never left out; "
          + "those without one that got none are left out and counted. The per-prompt log goes to --log and makes "
          + "the command resumable."})
final class ClassifyCommand extends StageCommand {
  @Mixin ModelMixin model;

  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Prompts (JSONL prompt records).")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The prompts with their category.")
  Path out;

  @Option(names = "--log", paramLabel = "FILE", description = "Per-prompt classification log (default: OUT's directory/classify.jsonl).")
  Path log;

  @Option(names = "--attempts", defaultValue = "3", paramLabel = "N", description = "Requests per prompt when the reply is not valid (default: ${DEFAULT-VALUE}).")
  int attempts;

  @Option(names = "--reclassify", description = "Classify prompts that already have a category of the spec too.")
  boolean reclassify;

  @Override
  protected int run() {
    Spec spec = spec();
    RunDirectory run = run(out);
    try (StageModels models = models(run)) {
      Classifier classifier = ReferenceGenerator.isReference(model.model) ? new LabelClassifier(spec)
          : new ModelClassifier(models.model(model.settings()), spec, attempts);
      Path logFile = log != null ? log : out.toAbsolutePath().resolveSibling("classify.jsonl");
      Stages.ClassifyCounts c = Stages.classify(in, logFile, out, spec, classifier, reclassify, model.concurrency(), err());
      out().printf("classify: %d prompts with a category -> %s (%d kept theirs, %d classified); %d left out (no "
          + "category found), %d failed%n", c.written(), out, c.kept(), c.classified(), c.unclassified(), c.failed());
      printUsage(models);
      return exitCode(c.summary());
    }
  }
}
