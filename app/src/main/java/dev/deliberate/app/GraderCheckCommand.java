package dev.deliberate.app;

import dev.deliberate.BuiltinFiles;
import dev.deliberate.data.Json;
import dev.deliberate.eval.ClassifierCheck;
import dev.deliberate.eval.LabeledAnswer;
import dev.deliberate.judge.Grade;
import dev.deliberate.judge.Grader;
import dev.deliberate.judge.Graders;
import dev.deliberate.judge.RefusalClass;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "grader-check",
    mixinStandardHelpOptions = true,
    description = {
      "Measure a grader's three-class verdicts (full compliance / full refusal / partial refusal) against human labels.",
      "The labels are a CSV in XSTest's annotated-completions layout (id,type,prompt,completion,...,final_label);"
          + " by default the shipped benchmarks/xstest/labeled/xstest_v2_completions_llama2orig.csv (Llama 2's"
          + " answers to XSTest with human labels).",
      "Prints accuracy, per-class precision and recall and the confusion matrix; the last line is a JSON object"
          + " with accuracy, n and the rest."
    })
final class GraderCheckCommand extends BaseCommand {
  @Option(names = "--grader", defaultValue = "string-match", paramLabel = "GRADER",
      description = "string-match, reference, or a model string (default: ${DEFAULT-VALUE}).")
  String grader;

  @Option(names = "--labels", paramLabel = "FILE", description = "The labeled CSV (default: the shipped XSTest one).")
  Path labels;

  @Option(names = "--limit", paramLabel = "N", description = "Check only the first N rows.")
  Integer limit;

  @Override
  protected int run() throws Exception {
    List<LabeledAnswer> rows = LabeledAnswer.read(labels != null ? labels
        : BuiltinFiles.benchmarks().resolve("xstest/labeled/xstest_v2_completions_llama2orig.csv"));
    if (limit != null) {
      rows = rows.subList(0, Math.min(limit, rows.size()));
    }
    Grader g = Graders.named(grader, ModelStrings::resolve);
    List<RefusalClass> predicted = new ArrayList<>();
    int done = 0;
    for (LabeledAnswer row : rows) {
      Grade grade = g.classify(row.prompt(), row.completion());
      predicted.add(grade.ok() ? grade.verdict() : null);
      if (!grade.ok()) {
        err().println("warning: " + row.id() + ": " + grade.failure());
      }
      done++;
      if (done % 50 == 0 && done < rows.size()) {
        err().println("graded " + done + "/" + rows.size());
      }
    }
    ClassifierCheck check = ClassifierCheck.of(g.id(), rows.stream().map(LabeledAnswer::label).toList(), predicted);
    out().print(check.table());
    out().println(Json.line(check.summary()));
    return ExitCode.OK;
  }
}
