package dev.deliberate.app;

import dev.deliberate.BuiltinFiles;
import dev.deliberate.io.Json;
import dev.deliberate.eval.ClassifierCheck;
import dev.deliberate.eval.LabeledAnswer;
import dev.deliberate.judge.Grade;
import dev.deliberate.judge.Grader;
import dev.deliberate.judge.Graders;
import dev.deliberate.judge.RefusalClass;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageModels;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
          + " with accuracy, n and the rest.",
      "A model grader is called through the run machinery: its replies are cached in the run directory (a rerun"
          + " makes no call for a row already graded), failed calls are retried, and manifest.json records the"
          + " models, counts and usage."
    })
final class GraderCheckCommand extends BaseCommand {
  @Option(names = "--grader", defaultValue = "string-match", paramLabel = "GRADER",
      description = "string-match, reference, or a model string (default: ${DEFAULT-VALUE}).")
  String grader;

  @Option(names = "--labels", paramLabel = "FILE", description = "The labeled CSV (default: the shipped XSTest one).")
  Path labels;

  @Option(names = "--limit", paramLabel = "N", description = "Check only the first N rows.")
  Integer limit;

  @Option(names = "--run", defaultValue = "runs/grader-check", paramLabel = "DIR",
      description = "Run directory for manifest.json and the response cache of a model grader (default: ${DEFAULT-VALUE};"
          + " the built-in graders write nothing).")
  Path runDir;

  @Mixin ModelCallOptions call;

  @Override
  protected int run() throws Exception {
    Path labelFile = labels != null ? labels
        : BuiltinFiles.benchmarks().resolve("xstest/labeled/xstest_v2_completions_llama2orig.csv");
    List<LabeledAnswer> rows = LabeledAnswer.read(labelFile);
    if (limit != null) {
      rows = rows.subList(0, Math.min(limit, rows.size()));
    }
    List<Grade> grades;
    String graderId;
    if (Graders.isBuiltin(grader)) {
      Grader g = Graders.named(grader, m -> {
        throw new IllegalStateException("a built-in grader calls no model");
      });
      graderId = g.id();
      grades = grade(g, rows);
    } else {
      Instant startedAt = Instant.now();
      RunDirectory run = RunDirectory.open(runDir, StageCommand.version());
      StageModels.Calls calls = StageModels.Calls.defaults().withRetryBudget(Math.max(100, rows.size()));
      try (StageModels models = new StageModels(run, ModelStrings.resolver(), calls)) {
        Grader g = Graders.named(grader, m -> models.model(call.settings(m)));
        graderId = g.id();
        grades = grade(g, rows);
        record(run, models, labelFile, grades, startedAt);
        StageCommand.printUsage(err(), models);
      }
    }
    List<RefusalClass> predicted = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Grade grade = grades.get(i);
      predicted.add(grade.ok() ? grade.verdict() : null);
      if (!grade.ok()) {
        err().println("warning: " + rows.get(i).id() + ": " + grade.failure());
      }
    }
    ClassifierCheck check = ClassifierCheck.of(graderId, rows.stream().map(LabeledAnswer::label).toList(), predicted);
    out().print(check.table());
    out().println(Json.line(check.summary()));
    return ExitCode.OK;
  }

  /** Every row's grade, in row order, with up to --concurrency rows graded at once. */
  private List<Grade> grade(Grader g, List<LabeledAnswer> rows) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(call.concurrency, rows.size())));
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<Grade>> futures = new ArrayList<>();
      for (LabeledAnswer row : rows) {
        futures.add(pool.submit(() -> {
          Grade grade = g.classify(row.prompt(), row.completion());
          int n = done.incrementAndGet();
          if (n % 50 == 0 && n < rows.size()) {
            synchronized (this) {
              err().println("graded " + n + "/" + rows.size());
            }
          }
          return grade;
        }));
      }
      List<Grade> grades = new ArrayList<>();
      for (Future<Grade> f : futures) {
        try {
          grades.add(f.get());
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
      return grades;
    } finally {
      pool.shutdownNow();
    }
  }

  private void record(RunDirectory run, StageModels models, Path labelFile, List<Grade> grades, Instant startedAt) {
    long failed = grades.stream().filter(g -> !g.ok()).count();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("grader", grader);
    config.put("labels", labelFile.toString());
    config.put("limit", limit == null ? "all" : limit);
    config.put("concurrency", call.concurrency);
    config.put("max_retries", call.maxRetries);
    Manifest.Stage stage = new Manifest.Stage("grader-check", failed > 0 ? "failed" : "done", models.modelIds(), null,
        config, null, null, new Manifest.Counts(grades.size(), grades.size() - failed, failed, 0), startedAt.toString(),
        Instant.now().toString(), (System.currentTimeMillis() - startedAt.toEpochMilli()) / 1000.0,
        models.accounting().snapshot());
    run.update(m -> m.withStage(stage));
  }
}
