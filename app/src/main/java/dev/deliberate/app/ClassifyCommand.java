package dev.deliberate.app;

import dev.deliberate.generate.Classifier;
import dev.deliberate.generate.LabelClassifier;
import dev.deliberate.generate.ModelClassifier;
import dev.deliberate.pipeline.StageModels;
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
      "Give every prompt without a category one of the spec's category anchors. A model picks from the spec's "
          + "list and answers {\"category\": \"ANCHOR\"}; MODEL 'reference' uses the labels the prompt already "
          + "carries (its category, or a metadata value naming a category) and never guesses.",
      "Writes the prompts with their category to --out, leaving out (and counting) those no category was found "
          + "for; the per-prompt log goes to --log and makes the command resumable."})
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

  @Override
  protected int run() {
    Spec spec = spec();
    RunDirectory run = run(out);
    try (StageModels models = models(run)) {
      Classifier classifier = StageModels.isReference(model.model) ? new LabelClassifier(spec)
          : new ModelClassifier(models.model(model.settings()), spec, attempts);
      Path logFile = log != null ? log : out.toAbsolutePath().resolveSibling("classify.jsonl");
      Stages.ClassifyCounts c = Stages.classify(in, logFile, out, classifier, model.concurrency(), err());
      out().printf("classify: %d prompts with a category -> %s; %d left out (no category found), %d failed%n",
          c.classified(), out, c.unclassified(), c.failed());
      printUsage(models);
      return exitCode(c.summary());
    }
  }
}
