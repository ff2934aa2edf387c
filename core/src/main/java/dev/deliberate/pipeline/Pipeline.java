package dev.deliberate.pipeline;

import dev.deliberate.generate.ReferenceGenerator;
import dev.deliberate.run.StageModels;
import dev.deliberate.run.ModelSettings;
import dev.deliberate.BadInputException;
import dev.deliberate.BuiltinFiles;
import dev.deliberate.UserCache;
import dev.deliberate.Hashes;
import dev.deliberate.attack.AttackerInstructions;
import dev.deliberate.attack.Attacks;
import dev.deliberate.io.AtomicFiles;
import dev.deliberate.io.Json;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.dataset.ExportFormat;
import dev.deliberate.dataset.Exporter;
import dev.deliberate.dataset.Filter;
import dev.deliberate.dataset.FilterSummary;
import dev.deliberate.dataset.SpecTextCheck;
import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.eval.Evaluation;
import dev.deliberate.eval.Suites;
import dev.deliberate.generate.Classifier;
import dev.deliberate.generate.Generator;
import dev.deliberate.generate.LabelClassifier;
import dev.deliberate.generate.ModelClassifier;
import dev.deliberate.generate.Sample;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.judge.Judges;
import dev.deliberate.judge.SampleJudge;
import dev.deliberate.judge.SpecJudge;
import dev.deliberate.model.ChatModel;
import dev.deliberate.judge.Grader;
import dev.deliberate.judge.Graders;
import dev.deliberate.model.ContextWindow;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.report.Comparison;
import dev.deliberate.report.Summary;
import dev.deliberate.run.StageExecutor;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a pipeline file's stages in order in one run directory. A stage runs when its section is in the file and it
 * is selected ({@code until}: every stage up to and including it; {@code only}: just it). Stages that call models
 * resume through the run machinery: done records are skipped, so a finished run rerun makes no model call; the
 * others are deterministic and rewrite their files. A record is reused only while what made it is unchanged, so
 * changing a stage's model or options runs that stage again, and the stages after it see its new output. The
 * pipeline stops after a stage that is interrupted, whose output is empty, or whose failed records (failed calls,
 * replies it cannot use) are more than {@code max_failure_share} of its records; {@link Result#stopped} then
 * says which and why. Rerunning the same command resumes.
 *
 * <p>Files in the run directory: {@code prompts.jsonl} (import), {@code prompts-attacked.jsonl} (attack),
 * {@code train.jsonl}, {@code eval.jsonl}, {@code split-dropped.jsonl} (split), {@code classify.jsonl} and
 * {@code prompts-classified.jsonl} (classify), {@code completions.jsonl} (generate), {@code judgments.jsonl}
 * (judge), {@code sft.jsonl} and {@code filter-summary.json} (filter), {@code export/} (export),
 * {@code model-NAME/} per training job (sft and rl; {@code model-sft/} and {@code model-rl/} by default),
 * {@code eval/NAME/} (eval), {@code report.html}, {@code report.md} and {@code summary.txt} (report), with
 * {@code manifest.json} and {@code cache.sqlite}. The sft and rl stages run their jobs on the {@link Trainer} the
 * caller passes in, each skipped when its last run finished with the same settings; the eval stage skips answers
 * and grades it already has.
 */
public final class Pipeline {
  /** The stages this runner knows, in the order they run. */
  public enum Stage {
    IMPORT, ATTACK, SPLIT, CLASSIFY, GENERATE, JUDGE, FILTER, EXPORT, SFT, RL, EVAL, REPORT;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Stage parse(String text) {
      for (Stage s : values()) {
        if (s.wireName().equals(text.strip().toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
      throw new BadInputException("unknown stage '" + text + "': expected one of "
          + Arrays.stream(values()).map(Stage::wireName).collect(Collectors.joining(", ")));
    }
  }

  /**
   * How the run went: one line per stage that ran, and whether it went to the end ({@code ok}); {@code stopped}
   * names the stage that ended the run and why ({@code "judge: 700 of 700 samples failed ..."}), or is null;
   * {@code summary} is what the run has to show at the end: the report stage's summary when it ran, else the eval
   * stage's metrics table, else empty; {@code seconds} is the time each stage that ran took, in order.
   */
  public record Result(List<String> lines, boolean ok, boolean interrupted, String stopped, Map<String, Long> modelCalls,
      String summary, Map<String, Double> seconds) {}

  /** The directory of the default eval job's per-model results ({@code eval/NAME/}); see {@link PipelineConfig.Eval#dir}. */
  public static final String EVAL_DIR = "eval";

  private final PipelineFile file;
  private final PipelineConfig config;
  private final ModelResolver resolver;
  private final PrintWriter log;
  private final String version;
  private final Trainer trainer;

  /** A pipeline without a training engine: its sft and rl sections are refused. */
  public Pipeline(PipelineFile file, ModelResolver resolver, PrintWriter log, String version) {
    this(file, resolver, null, log, version);
  }

  /** {@code trainer} runs the sft and rl stages (null: none, and those sections are refused when they run). */
  public Pipeline(PipelineFile file, ModelResolver resolver, Trainer trainer, PrintWriter log, String version) {
    this.file = file;
    this.config = file.config();
    this.resolver = resolver;
    this.trainer = trainer;
    this.log = log;
    this.version = version;
  }

  public boolean configured(Stage stage) {
    return switch (stage) {
      case IMPORT -> !config.sources().isEmpty();
      case ATTACK -> config.attack() != null;
      case SPLIT -> config.split() != null;
      case CLASSIFY -> config.classify() != null;
      case GENERATE -> config.generate() != null;
      case JUDGE -> config.judge() != null;
      case FILTER -> config.filter() != null;
      case EXPORT -> config.export() != null;
      case SFT -> !config.sft().isEmpty();
      case RL -> !config.rl().isEmpty();
      case EVAL -> !config.eval().isEmpty();
      case REPORT -> config.report() != null;
    };
  }

  /** The prompts file the generate stage reads: the output of the last configured prompt stage. */
  static String promptsFile(PipelineConfig config) {
    if (config.classify() != null) {
      return "prompts-classified.jsonl";
    }
    if (config.split() != null) {
      return "train.jsonl";
    }
    return config.attack() != null ? "prompts-attacked.jsonl" : "prompts.jsonl";
  }

  public Result run(Stage until, Stage only) {
    Spec spec = SpecParser.parse(config.spec() == null ? BuiltinFiles.defaultSpec() : file.resolve(config.spec()));
    RunDirectory run = RunDirectory.open(file.runDir(), version);
    Map<String, Object> runConfig = new LinkedHashMap<>();
    runConfig.put("pipeline", file.file().toAbsolutePath().toString());
    runConfig.put("pipeline_text", file.text());
    runConfig.put("stage1_template", Map.of("version", Stage1Prompt.standard().version(), "sha256", Stage1Prompt.standard().hash()));
    runConfig.put("judge_template", Map.of("sha256", SpecJudge.templateHash()));
    if (trainer != null) {
      runConfig.put("numerics", trainer.numerics());
    }
    run.update(m -> m.withSpecHash(spec.hash()).withConfig(runConfig));
    List<String> lines = new ArrayList<>();
    Map<String, Long> calls = new LinkedHashMap<>();
    StringBuilder summary = new StringBuilder();
    Map<String, Double> seconds = new LinkedHashMap<>();
    try (StageModels stageModels = new StageModels(run, resolver)) {
      Context ctx = new Context(run, spec, stageModels);
      for (Stage stage : Stage.values()) {
        boolean selected = only != null ? stage == only : until == null || stage.ordinal() <= until.ordinal();
        if (!selected) {
          continue;
        }
        if (!configured(stage)) {
          if (stage.ordinal() >= Stage.SFT.ordinal()) {
            // The training and eval stages are new to most pipeline files: say why nothing happened.
            log.println(stage.wireName() + ": skipped (no " + stage.wireName() + " section)");
            log.flush();
          }
          continue;
        }
        long start = System.nanoTime();
        StageOutcome outcome = runStage(stage, ctx, summary);
        seconds.put(stage.wireName(), (System.nanoTime() - start) / 1e9);
        lines.add(stage.wireName() + ": " + outcome.line());
        log.println(stage.wireName() + ": " + outcome.line());
        log.flush();
        ctx.models().accounting().snapshot().forEach((id, u) -> calls.merge(id, u.requests(), Long::sum));
        if (outcome.interrupted() || !outcome.ok()) {
          String stopped = outcome.stop() == null ? null : stage.wireName() + ": " + outcome.stop();
          return new Result(lines, false, outcome.interrupted(), stopped, calls, summary.toString(), seconds);
        }
      }
    }
    return new Result(lines, true, false, null, calls, summary.toString(), seconds);
  }

  /** A stage's line, and why it ends the run ({@code stop}, null when the run goes on). */
  private record StageOutcome(String line, String stop, boolean interrupted) {
    static StageOutcome ok(String line) {
      return new StageOutcome(line, null, false);
    }

    boolean ok() {
      return stop == null && !interrupted;
    }
  }

  /**
   * The outcome of a stage that ran on the executor: it ends the run when interrupted, when more than
   * {@code max_failure_share} of its records failed (the reason of the first one is given), or when
   * {@code empty} is not null (its output has nothing in it: {@code empty} says what).
   */
  private StageOutcome executed(String line, StageExecutor.Summary s, Path output, String records, String empty) {
    if (s.interrupted()) {
      return new StageOutcome(line, null, true);
    }
    double share = s.total() == 0 ? 0 : (double) s.failed() / s.total();
    if (s.failed() > 0 && share > config.maxFailureShare()) {
      return new StageOutcome(line, String.format(Locale.ROOT, "%d of %d %s failed (%.0f%%, more than max_failure_share"
          + " %s), first: %s (see \"error\" in %s)", s.failed(), s.total(), records, 100 * share,
          config.maxFailureShare(), Stages.firstError(output), output.getFileName()), false);
    }
    if (empty != null) {
      return new StageOutcome(line, empty, false);
    }
    if (s.failed() > 0) {
      line += " (within max_failure_share " + config.maxFailureShare() + "; rerun to try them again)";
    }
    return new StageOutcome(line, null, false);
  }

  /** The outcome of a stage whose output must not be empty. */
  private static StageOutcome nonEmpty(String line, long written, String empty) {
    return new StageOutcome(line, written == 0 ? empty : null, false);
  }

  /** What stages share in one run: the run directory, the spec and the stage's models. */
  private record Context(RunDirectory run, Spec spec, StageModels models) {
    Path file(String name) {
      return run.file(name);
    }

    ChatModel model(ModelSettings settings) {
      return models.model(settings);
    }
  }

  private StageOutcome runStage(Stage stage, Context ctx, StringBuilder runSummary) {
    ctx.models().resetAccounting();
    String startedAt = Instant.now().toString();
    long start = System.nanoTime();
    Map<String, Object> stageConfig = new LinkedHashMap<>();
    List<String> models = new ArrayList<>();
    String output;
    Manifest.Counts counts = null;
    StageOutcome outcome;
    switch (stage) {
      case IMPORT -> {
        List<Stages.Source> sources = config.sources().stream()
            .map(s -> new Stages.Source(s.format(), file.resolve(s.path()), s.limit())).toList();
        output = "prompts.jsonl";
        long n = Stages.importPrompts(sources, ctx.file(output));
        stageConfig.put("sources", sources.stream().map(s -> s.format() + ":" + s.file()).toList());
        counts = new Manifest.Counts(n, n, 0, 0);
        outcome = nonEmpty(n + " prompts -> " + output, n, "no prompt imported (check the import paths and limits)");
      }
      case ATTACK -> {
        output = "prompts-attacked.jsonl";
        PipelineConfig.Attack a = config.attack();
        Attacks.Selection selection = a.selection();
        stageConfig.put("attacks", a.attacks());
        stageConfig.put("keep_original", a.keepOriginal());
        Stages.AttackRun attackRun = null;
        if (selection.needsAttacker()) {
          boolean pair = !selection.needingTarget().isEmpty();
          ChatModel attacker = ctx.model(a.settings(attackModel(a.attacker())));
          ChatModel target = pair ? ctx.model(a.settings(attackModel(a.target()))) : null;
          Grader judge = pair ? Graders.named(a.grader(), m -> ctx.model(a.settings(m))) : null;
          models.add(attacker.id());
          if (pair) {
            models.add(target.id());
            models.add(judge.id());
          }
          attackRun = new Stages.AttackRun(attacker, target, judge, config.seed(), a.settings(a.attacker()).concurrency(),
              log);
          stageConfig.put("attacker", a.attacker());
          stageConfig.put("target", a.target());
          stageConfig.put("grader", a.grader());
          stageConfig.put("pair_rounds", a.pairRounds());
          stageConfig.put("attacker_instructions", AttackerInstructions.provenance());
        }
        Stages.AttackCounts c = Stages.attack(Prompts.readAll(ctx.file("prompts.jsonl")), ctx.file(output),
            ctx.file("attack-model.jsonl"), selection, a.keepOriginal(), attackRun);
        long n = c.written();
        if (c.modelDriven() == null) {
          counts = new Manifest.Counts(n, n, 0, 0);
          outcome = nonEmpty(n + " prompts (plain and attacked) -> " + output, n, "no prompt written");
        } else {
          counts = counts(c.modelDriven());
          outcome = executed(n + " prompts (plain and attacked) -> " + output, c.modelDriven(),
              ctx.file("attack-model.jsonl"), "model-driven attacks", n == 0 ? "no prompt written" : null);
        }
      }
      case SPLIT -> {
        output = "train.jsonl";
        String in = config.attack() != null ? "prompts-attacked.jsonl" : "prompts.jsonl";
        Stages.SplitCounts c = Stages.split(ctx.file(in), ctx.file("train.jsonl"), ctx.file("validation.jsonl"),
            ctx.file("eval.jsonl"), ctx.file("split-dropped.jsonl"), config.seed(), config.split());
        stageConfig.put("eval_share", config.split().evalShare());
        stageConfig.put("validation_share", config.split().validationShare());
        stageConfig.put("holdout_attacks", config.split().holdoutAttacks());
        counts = new Manifest.Counts(c.train() + c.validation() + c.eval() + c.dropped(),
            c.train() + c.validation() + c.eval(), 0, 0);
        outcome = nonEmpty(c.train() + " train, " + (c.validation() > 0 ? c.validation() + " validation, " : "")
            + c.eval() + " eval, " + c.dropped() + " dropped (held-out attacks on training requests)", c.train(),
            "no training prompt left (see eval_share, validation_share and holdout_attacks)");
      }
      case CLASSIFY -> {
        output = "prompts-classified.jsonl";
        String in = config.split() != null ? "train.jsonl" : config.attack() != null ? "prompts-attacked.jsonl" : "prompts.jsonl";
        ModelSettings settings = config.classify().settings();
        Classifier classifier = ReferenceGenerator.isReference(settings.model()) ? new LabelClassifier(ctx.spec)
            : new ModelClassifier(ctx.model(settings), ctx.spec, config.classify().attempts());
        models.add(classifier.id());
        boolean reclassify = config.classify().reclassify();
        Stages.ClassifyCounts c = Stages.classify(ctx.file(in), ctx.file("classify.jsonl"), ctx.file(output),
            ctx.spec, classifier, reclassify, settings.concurrency(), log);
        stageConfig.put("attempts", config.classify().attempts());
        stageConfig.put("reclassify", reclassify);
        counts = counts(c.summary());
        String line = c.kept() + " kept their category, " + c.classified() + " classified, " + c.unclassified()
            + " left out (no category found)" + (c.failed() > 0 ? ", " + c.failed() + " failed" : "") + " -> " + output;
        outcome = executed(line, c.summary(), ctx.file("classify.jsonl"), "prompts",
            c.written() == 0 ? "no prompt has a category (" + c.unclassified() + " found none in their labels)" : null);
      }
      case GENERATE -> {
        output = "completions.jsonl";
        PipelineConfig.Generate g = config.generate();
        ChatModel model = ctx.model(g.settings());
        models.add(model.id());
        Generator.ComplyAnswers complyAnswers = null;
        if (g.complyAnswers() != null) {
          ChatModel answering = ctx.model(ModelSettings.of(modelOf(g.complyAnswers(), ctx, "generate.comply_answers"),
              null, g.concurrency(), g.timeoutSeconds(), g.maxRetries(), 8));
          models.add(answering.id());
          complyAnswers = new Generator.ComplyAnswers(answering, g.complyAnswerTokens());
          stageConfig.put("comply_answers", answering.id());
          stageConfig.put("comply_answer_tokens", g.complyAnswerTokens());
        }
        Generator generator = new Generator(model, ctx.spec, Stage1Prompt.standard(),
            new Generator.Options(g.samples(), g.temperature(), g.topP(), g.maxTokens(), config.seed(), g.passLabels()),
            complyAnswers);
        StageExecutor.Summary s = Stages.generate(ctx.file(promptsFile(config)), ctx.file(output), generator,
            g.limit(), g.settings().concurrency(), log);
        stageConfig.put("limit", g.limit());
        stageConfig.put("samples", g.samples());
        stageConfig.put("pass_labels", g.passLabels());
        stageConfig.put("temperature", g.temperature());
        stageConfig.put("top_p", g.topP());
        stageConfig.put("max_tokens", g.maxTokens());
        counts = counts(s);
        List<Sample> samples = Stages.samples(ctx.file(output));
        long dropped = samples.stream().filter(x -> !x.ok()).count();
        outcome = executed(s.doneInOutput() + " prompts x " + g.samples() + " samples, " + dropped
            + " samples unusable (see filter), " + s.failed() + " prompts failed", s, ctx.file(output), "prompts",
            samples.size() == dropped ? "no usable sample" : null);
      }
      case JUDGE -> {
        output = "judgments.jsonl";
        PipelineConfig.Judge j = config.judge();
        SpecJudge.Options options = new SpecJudge.Options(j.attempts(), j.temperature(), j.maxTokens(),
            config.seed() + SpecJudge.SEED_OFFSET, j.jsonMode());
        var judges = Judges.create(j.model(), ctx.spec, m -> ctx.model(j.settings()), options);
        SampleJudge judge = new SampleJudge(ctx.spec, judges, j.samples(), j.seesCot(), j.labelHint());
        models.add(judge.judgeId());
        StageExecutor.Summary s = Stages.judge(ctx.file(promptsFile(config)), ctx.file("completions.jsonl"),
            ctx.file(output), judge, options, j.settings().concurrency(), log);
        stageConfig.put("samples", j.samples());
        stageConfig.put("sees_cot", j.seesCot());
        stageConfig.put("label_hint", j.labelHint());
        stageConfig.put("attempts", j.attempts());
        stageConfig.put("temperature", j.temperature());
        stageConfig.put("max_tokens", j.maxTokens());
        counts = counts(s);
        outcome = executed(s.doneInOutput() + " samples judged x " + j.samples() + ", " + s.failed() + " failed", s,
            ctx.file(output), "samples", s.doneInOutput() == 0 ? "no sample judged" : null);
      }
      case FILTER -> {
        output = "sft.jsonl";
        Filter filter = new Filter(config.filter().options(), new SpecTextCheck(ctx.spec, Stage1Prompt.standard()));
        FilterSummary summary = Stages.filter(ctx.file(promptsFile(config)), ctx.file("completions.jsonl"),
            ctx.file("judgments.jsonl"), ctx.file(output), ctx.file("filter-summary.json"), filter);
        stageConfig.put("threshold", config.filter().options().threshold());
        counts = new Manifest.Counts(summary.kept() + summary.droppedTotal(), summary.kept(), 0, 0);
        outcome = nonEmpty(summary.kept() + " kept, " + summary.droppedTotal() + " dropped "
            + summary.droppedByReason() + " -> " + output, summary.kept(), "no example kept, " + summary.droppedTotal()
            + " samples dropped " + summary.droppedByReason());
      }
      case EXPORT -> {
        PipelineConfig.Export e = config.export();
        Path dir = e.dir() == null ? ctx.file("export") : file.resolve(e.dir());
        output = dir.toString();
        Map<Path, Long> written = Stages.export(ctx.file("sft.jsonl"), dir,
            e.formats().stream().map(ExportFormat::parse).toList(),
            e.hfReasoning().equals("field") ? Exporter.Reasoning.FIELD : Exporter.Reasoning.THINK,
            new SpecTextCheck(ctx.spec, Stage1Prompt.standard()));
        stageConfig.put("formats", e.formats());
        stageConfig.put("hf_reasoning", e.hfReasoning());
        outcome = StageOutcome.ok(written.entrySet().stream()
            .map(w -> w.getValue() + " -> " + ctx.run.dir().relativize(w.getKey().toAbsolutePath()))
            .collect(Collectors.joining(", ")));
      }
      case SFT -> {
        output = "model-NAME";
        List<String> lines = new ArrayList<>();
        for (PipelineConfig.Sft section : config.sft()) {
          if (section.model() == null && config.base() == null) {
            throw new BadInputException(file.file() + ": sft " + section.name() + ": model: required (or set base)");
          }
          PipelineConfig.Sft sft = section.withDefaults(config.base(), config.seed());
          String model = modelString(sft.model());
          Path data = sft.data() != null ? file.resolve(sft.data()) : exportedSft(ctx);
          Map<String, Object> jobConfig = new LinkedHashMap<>(Map.of("model", model, "data", data.toString(),
              "settings", sft));
          jobConfig.put("inputs_sha256", inputsHash(List.of(data), model));
          models.add(model);
          stageConfig.put(sft.name(), jobConfig);
          lines.add(train(ctx, "sft", sft.name(), jobConfig, () -> {
            requireFile(data, "sft.data");
            return trainer(stage).sft(sft, model, data, ctx.file(modelDir(sft.name())), progress(stage, sft.name()));
          }));
        }
        outcome = StageOutcome.ok(String.join("; ", lines));
      }
      case RL -> {
        output = "model-NAME";
        List<String> lines = new ArrayList<>();
        for (PipelineConfig.Rl section : config.rl()) {
          if (section.model() == null && config.sft().isEmpty()) {
            throw new BadInputException(file.file() + ": rl " + section.name() + ": model: required when there is no"
                + " sft section to start from");
          }
          String model = section.model() != null ? trainedOrModel(section.model(), ctx)
              : ctx.file(modelDir(config.sft().get(config.sft().size() - 1).name())).toString();
          PipelineConfig.Rl rl = section.withModels(model,
              section.reference() == null ? null : trainedOrModel(section.reference(), ctx), config.seed());
          Path prompts = rl.prompts() != null ? file.resolve(rl.prompts()) : ctx.file(promptsFile(config));
          Path heldOut = rl.noEvalPrompts() ? null : rl.evalPrompts() != null ? file.resolve(rl.evalPrompts())
              : config.split() == null ? null
                  // Watching training on the held-out split would make it a place where choices are made.
                  : ctx.file(config.split().validationShare() > 0 ? "validation.jsonl" : "eval.jsonl");
          Map<String, Object> jobConfig = new LinkedHashMap<>();
          jobConfig.put("model", model);
          jobConfig.put("prompts", prompts.toString());
          jobConfig.put("eval_prompts", heldOut == null ? "" : heldOut.toString());
          jobConfig.put("settings", rl);
          jobConfig.put("objective", trainer == null ? "" : trainer.rlObjective());
          jobConfig.put("inputs_sha256", inputsHash(heldOut == null ? List.of(prompts) : List.of(prompts, heldOut), model));
          models.add(model);
          models.add(rl.judge());
          stageConfig.put(rl.name(), jobConfig);
          lines.add(train(ctx, "rl", rl.name(), jobConfig, () -> {
            requireFile(prompts, "rl.prompts");
            var judges = Judges.create(rl.judge(), ctx.spec, m -> ctx.model(rl.judgeSettings()),
                new SpecJudge.Options(rl.judgeAttempts(), 0.0, null, rl.seed(), true));
            return trainer(stage).rl(rl, model, Prompts.readAll(prompts),
                heldOut == null ? List.of() : limited(Prompts.readAll(heldOut), rl.evalLimit()), judges.apply(0),
                ctx.spec, ctx.file(modelDir(rl.name())), progress(stage, rl.name()));
          }));
        }
        outcome = StageOutcome.ok(String.join("; ", lines));
      }
      case EVAL -> {
        output = config.eval().stream().map(e -> e.dir() + "/").collect(Collectors.joining(", "));
        List<String> lines = new ArrayList<>();
        StringBuilder tables = new StringBuilder();
        long total = 0;
        long failures = 0;
        boolean interrupted = false;
        for (PipelineConfig.Eval e : config.eval()) {
          Map<String, Object> jobConfig = new LinkedHashMap<>();
          stageConfig.put(e.name(), jobConfig);
          EvalOutcome o = evaluate(e, ctx, jobConfig, models);
          String prefix = jobPrefix(e);
          lines.add(prefix + o.models() + " models x " + o.prompts() + " prompts"
              + (o.failures() > 0 ? ", " + o.failures() + " answers or grades failed" : "") + " -> " + e.dir() + "/NAME/");
          tables.append(config.eval().size() == 1 ? o.table()
              : (tables.length() == 0 ? "" : "\n") + title(e) + "\n" + o.table());
          total += (long) o.prompts() * o.models();
          failures += o.failures();
          if (o.interrupted()) {
            interrupted = true;
            break;
          }
        }
        runSummary.setLength(0);
        runSummary.append(tables);
        counts = new Manifest.Counts(total, total - failures, failures, 0);
        outcome = new StageOutcome(String.join("; ", lines),
            failures == 0 ? null : failures + " answers or grades failed (see " + output + "); rerun to try them again",
            interrupted);
      }
      case REPORT -> {
        output = "report.html";
        if (config.eval().isEmpty()) {
          throw new BadInputException(file.file() + ": report: needs an eval section (it compares the evaluated models)");
        }
        // The comparison, the HTML report and the examples come from the held-out job (else the last); the other
        // jobs' tables come first, each titled with its split.
        PipelineConfig.Eval main = config.eval().stream().filter(PipelineConfig.Eval::heldOut).reduce((a, b) -> b)
            .orElse(config.eval().get(config.eval().size() - 1));
        StringBuilder others = new StringBuilder();
        for (PipelineConfig.Eval e : config.eval()) {
          List<Path> dirs = evalDirs(e, ctx);
          if (e == main) {
            continue;
          }
          List<EvalMetrics> metrics = new ArrayList<>();
          for (Path d : dirs) {
            metrics.add(readMetrics(d.resolve(Evaluation.METRICS)));
          }
          others.append(title(e)).append('\n').append(Summary.table(metrics)).append('\n');
        }
        List<String> heldOut = config.split() == null || !main.heldOut() ? List.of() : config.split().holdoutAttacks();
        String text = Comparison.write(ctx.run.dir(), evalDirs(main, ctx), ctx.spec, splitDescription(ctx) + others,
            title(main), heldOut, config.report().examples(), seed(main.seed()));
        runSummary.setLength(0);
        runSummary.append(text);
        stageConfig.put("examples", config.report().examples());
        stageConfig.put("compares", main.name());
        outcome = StageOutcome.ok(evalDirs(main, ctx).size() + " models -> report.html, report.md, summary.txt");
      }
      default -> throw new IllegalStateException("unknown stage " + stage);
    }
    String status = outcome.interrupted() ? "interrupted" : outcome.ok() ? "done" : "failed";
    double seconds = (System.nanoTime() - start) / 1e9;
    Manifest.Stage record = new Manifest.Stage(stage.wireName(), status, models, config.seed(), stageConfig, null,
        output, counts, startedAt, Instant.now().toString(), seconds, ctx.models().accounting().snapshot());
    ctx.run.update(m -> m.withStage(record));
    return outcome;
  }

  // ---- sft, rl and eval ----

  /** What one eval job did: its metrics table, and how many models, prompts and failures. */
  private record EvalOutcome(String table, int models, int prompts, long failures, boolean interrupted) {}

  /** Runs one eval job: every model of it on its suites, into {@code DIR/MODEL/}. */
  private EvalOutcome evaluate(PipelineConfig.Eval e, Context ctx, Map<String, Object> jobConfig, List<String> models) {
    jobConfig.put("suites", e.suites());
    jobConfig.put("attacks", e.attacks());
    jobConfig.put("grader", e.grader());
    if (e.attacker() != null || e.translator() != null) {
      jobConfig.put("attacker", e.attacker());
      jobConfig.put("pair_rounds", e.pairRounds());
      jobConfig.put("languages", e.languages());
      jobConfig.put("translator", e.translator());
      jobConfig.put("attacker_instructions", AttackerInstructions.provenance());
    }
    jobConfig.put("limit", e.limit() == null ? "all" : e.limit());
    jobConfig.put("limits", e.limits());
    jobConfig.put("fit_context", e.fitContext());
    List<Evaluation.SuitePrompt> prompts = evalPrompts(e, ctx);
    if (e.fitContext()) {
      prompts = fitted(prompts, e, ctx);
    }
    List<EvalMetrics> all = new ArrayList<>();
    long failures = 0;
    for (Map.Entry<String, String> m : e.models().entrySet()) {
      String model = evalModel(m.getValue(), ctx);
      models.add(m.getKey() + "=" + model);
      Path dir = ctx.file(e.dir()).resolve(m.getKey());
      log.println("eval: " + jobPrefix(e) + m.getKey() + " (" + model
          + ") on " + prompts.size() + " prompts, grader " + e.grader());
      Evaluation.Result r = EvalStage.run(new EvalStage.Job(m.getKey(), dir, e.settings(model), e.grader(),
          e.settings(e.grader()), e.maxTokens(), seed(e.seed()), prompts, e.selection().modelDriven(),
          e.attacker() == null ? null : e.settings(attackModel(e.attacker())),
          e.translator() == null ? null : e.settings(attackModel(e.translator()))), ctx.models(), log);
      if (r.interrupted()) {
        return new EvalOutcome(Summary.table(all), all.size(), prompts.size(), failures, true);
      }
      all.add(r.metrics());
      failures += r.failures();
    }
    return new EvalOutcome(Summary.table(all), all.size(), prompts.size(), failures, false);
  }

  private static EvalMetrics readMetrics(Path file) {
    try {
      return EvalMetrics.read(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** How the log names an eval job: by its name, unless it has the default one. */
  private static String jobPrefix(PipelineConfig.Eval e) {
    return e.dir().equals(EVAL_DIR) ? "" : e.name() + ": ";
  }

  /** The result directories of an eval job's models, each required to hold its metrics. */
  private List<Path> evalDirs(PipelineConfig.Eval e, Context ctx) {
    List<Path> dirs = e.models().keySet().stream().map(n -> ctx.file(e.dir()).resolve(n)).toList();
    for (Path d : dirs) {
      requireFile(d.resolve(Evaluation.METRICS), "report: eval result");
    }
    return dirs;
  }

  /** The title of an eval job's table: which split its numbers come from. */
  public static String title(PipelineConfig.Eval e) {
    List<String> suites = e.suites();
    return suites.equals(List.of("split"))
        ? "Held-out prompts (requests never trained on; plain, training attacks and held-out attacks):"
        : suites.equals(List.of("validation"))
            ? "Validation prompts (requests set aside from training; plain and under the training attacks):"
            : "Prompts of " + String.join(", ", suites) + ":";
  }

  private Trainer trainer(Stage stage) {
    if (trainer == null) {
      throw new BadInputException(file.file() + ": " + stage.wireName()
          + ": this runner has no training engine (run the pipeline with 'deliberate run')");
    }
    return trainer;
  }

  private Consumer<String> progress(Stage stage, String job) {
    String prefix = stage.wireName() + ": " + (job.equals(stage.wireName()) ? "" : job + ": ");
    return line -> {
      log.println(prefix + line);
      log.flush();
    };
  }

  /** The model directory of a training job, in the run directory. */
  public static String modelDir(String job) {
    return "model-" + job;
  }

  /**
   * Runs one training job unless its last run finished with the same configuration (its manifest record is
   * {@code STAGE:NAME}); returns its line.
   */
  private String train(Context ctx, String stage, String job, Map<String, Object> jobConfig,
      java.util.function.Supplier<String> work) {
    String dir = modelDir(job);
    String prefix = job.equals(stage) ? "" : job + ": ";
    String key = stage + ":" + job;
    if (complete(ctx.run.stage(key), jobConfig, ctx.file(dir))) {
      return prefix + "already done -> " + dir + " (delete it to train again)";
    }
    String startedAt = Instant.now().toString();
    long start = System.nanoTime();
    String line = prefix + work.get() + " -> " + dir;
    Manifest.Stage record = new Manifest.Stage(key, "done", List.of(String.valueOf(jobConfig.get("model"))),
        config.seed(), jobConfig, null, dir, null, startedAt, Instant.now().toString(),
        (System.nanoTime() - start) / 1e9, null);
    ctx.run.update(m -> m.withStage(record));
    return line;
  }

  /** The name of one of the run's training jobs as the model directory it writes; anything else as a model string. */
  private String trainedOrModel(String model, Context ctx) {
    boolean job = config.sft().stream().anyMatch(j -> j.name().equals(model))
        || config.rl().stream().anyMatch(j -> j.name().equals(model));
    return job ? ctx.file(modelDir(model)).toString() : modelString(model);
  }

  private long seed(Long stageSeed) {
    return stageSeed != null ? stageSeed : config.seed();
  }

  /** An attacker's, translator's or attack target's model string, a local directory resolved against the file. */
  private String attackModel(String model) {
    return model.startsWith("local:") ? modelString(model) : model;
  }

  /**
   * A local model string with any directory resolved against the pipeline file: {@code tiny} and
   * {@code local:tiny} stay as they are, {@code smollm2} is the GGUF the interop set-up fetched, {@code local:DIR}
   * and {@code DIR} become absolute.
   */
  String modelString(String model) {
    if (model.equals("tiny") || model.equals("local:tiny")) {
      return model;
    }
    if (model.equals(UserCache.SMOLLM2)) {
      return UserCache.smollm2();
    }
    if (model.startsWith("local:")) {
      return "local:" + file.resolve(model.substring("local:".length()));
    }
    return file.resolve(model).toString();
  }

  /** The data the sft stage trains on by default: the export's {@code sft.jsonl}, else the filter's. */
  private Path exportedSft(Context ctx) {
    PipelineConfig.Export e = config.export();
    if (e != null && e.formats().contains(ExportFormat.JSONL.wireName())) {
      Path dir = e.dir() == null ? ctx.file("export") : file.resolve(e.dir());
      return dir.resolve(ExportFormat.JSONL.fileName());
    }
    return ctx.file("sft.jsonl");
  }

  /**
   * A training stage is complete when its last run finished with the same inputs and settings and left a model
   * (training.json is written last). A change of settings trains again; the trainer then refuses the old checkpoint.
   */
  private static boolean complete(Manifest.Stage done, Map<String, Object> stageConfig, Path out) {
    if (done == null || !"done".equals(done.status()) || !Files.isRegularFile(out.resolve("training.json"))) {
      return false;
    }
    // Compared as JSON text read back: a conversion in memory keeps a Long a Long, while the manifest read from disk
    // gives an Integer for the same number, and the two are never equal.
    var json = Json.mapper();
    try {
      return json.readTree(json.writeValueAsString(stageConfig)).equals(json.readTree(json.writeValueAsString(done.config())));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a stage's configuration is always JSON", e);
    }
  }

  /**
   * A hash of a training stage's inputs as they are now: the files' bytes and the starting model's
   * {@code training.json} (when it is one we trained), so new data or a retrained model trains again.
   */
  private static String inputsHash(List<Path> files, String model) {
    StringBuilder all = new StringBuilder();
    try {
      for (Path f : files) {
        all.append(Files.isRegularFile(f) ? Hashes.sha256Hex(Files.readAllBytes(f)) : "-");
      }
      Path training = Path.of(model.startsWith("local:") ? model.substring("local:".length()) : model).resolve("training.json");
      all.append(Files.isRegularFile(training)
          ? Hashes.sha256Hex(Files.readAllBytes(training)) : model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Hashes.sha256Hex(all.toString());
  }

  private static void requireFile(Path path, String field) {
    if (!Files.isRegularFile(path)) {
      throw new BadInputException(field + ": " + path + ": no such file (did the stage that writes it run?)");
    }
  }

  /**
   * The names of the run's training jobs ({@code sft} and {@code rl} by default) and {@code base} name local
   * models; anything else is a model string.
   */
  private String evalModel(String model, Context ctx) {
    return modelOf(model, ctx, "eval.models");
  }

  /** {@link #evalModel} for any field that takes a model: {@code field} names it in the error. */
  private String modelOf(String model, Context ctx, String field) {
    if (config.sft().stream().anyMatch(j -> j.name().equals(model))
        || config.rl().stream().anyMatch(j -> j.name().equals(model))) {
      return "local:" + ctx.file(modelDir(model));
    }
    if (model.equals("base")) {
      if (config.base() == null) {
        throw new BadInputException(file.file() + ": " + field + ": base: the pipeline has no base field");
      }
      return localString(config.base());
    }
    return model.startsWith("local:") && !model.equals("local:tiny") ? modelString(model) : model;
  }

  /** A local model given as {@code tiny}, {@code local:X} or a directory, as a {@code local:} model string. */
  private String localString(String model) {
    String resolved = modelString(model);
    return resolved.startsWith("local:") ? resolved : "local:" + resolved;
  }

  private List<Evaluation.SuitePrompt> evalPrompts(PipelineConfig.Eval e, Context ctx) {
    Path benchmarks = config.benchmarks() == null ? BuiltinFiles.benchmarks() : file.resolve(config.benchmarks());
    return Suites.prompts(e.suites(), e.selection(), e.languages(), e::limitOf, benchmarks,
        Map.of("split", ctx.file("eval.jsonl"), "validation", ctx.file("validation.jsonl")),
        file::resolve, "eval.suites:");
  }

  /**
   * The prompts that leave {@code max_tokens} of room in the context of the first local model of the section,
   * shortest first (then by id): every model answers the same prompts, and each batch holds similar lengths.
   */
  private List<Evaluation.SuitePrompt> fitted(List<Evaluation.SuitePrompt> prompts, PipelineConfig.Eval e,
      Context ctx) {
    String measuring = e.models().values().stream().map(m -> evalModel(m, ctx)).filter(StageModels::isLocal)
        .findFirst().orElseThrow(() -> new BadInputException(file.file()
            + ": eval.fit_context: needs a local model among eval.models to measure the prompts with"));
    try (StageModels.Local local = ctx.models().local(e.settings(measuring))) {
      if (!(local.backend() instanceof ContextWindow window)) {
        throw new BadInputException(file.file() + ": eval.fit_context: " + measuring + " cannot measure prompts");
      }
      int room = window.contextTokens() - e.maxTokens();
      Map<Evaluation.SuitePrompt, Integer> lengths = new LinkedHashMap<>();
      for (Evaluation.SuitePrompt p : prompts) {
        lengths.put(p, window.promptTokens(p.prompt().messages()));
      }
      List<Evaluation.SuitePrompt> fit = prompts.stream().filter(p -> lengths.get(p) <= room)
          .sorted(java.util.Comparator.comparing((Evaluation.SuitePrompt p) -> lengths.get(p))
              .thenComparing(p -> p.prompt().id()))
          .toList();
      log.println("eval: " + fit.size() + " prompts (" + (prompts.size() - fit.size()) + " left out: longer than "
          + room + " tokens of " + measuring + "'s context of " + window.contextTokens() + ")");
      log.flush();
      return fit;
    } catch (BadInputException | IllegalStateException e2) {
      throw e2;
    } catch (Exception e2) {
      throw new IllegalStateException("cannot close " + measuring + ": " + e2.getMessage(), e2);
    }
  }

  /** Which attacks training saw and which it did not, and how many prompts each side has; empty without a split. */
  private String splitDescription(Context ctx) {
    if (config.split() == null || config.attack() == null || !Files.isRegularFile(ctx.file("train.jsonl"))) {
      return "";
    }
    List<String> heldOut = config.split().holdoutAttacks();
    List<String> trained = config.attack().attacks().stream().filter(a -> !heldOut.contains(a)).toList();
    return "attacks in training: " + describeAttacks(trained) + "\n"
        + "attacks held out (evaluation only): " + describeAttacks(heldOut) + "\n"
        + "prompts: " + Prompts.readAll(ctx.file("train.jsonl")).size() + " for training, "
        + (config.split().validationShare() > 0 ? Prompts.readAll(ctx.file("validation.jsonl")).size()
            + " for validation, " : "")
        + Prompts.readAll(ctx.file("eval.jsonl")).size() + " held out (requests never seen in training, plain and"
        + " under every attack)\n\n";
  }

  /** Each name with its family; a name that is no attack's (a family, say) as it is. */
  private static String describeAttacks(List<String> names) {
    return names.stream().map(n -> {
      try {
        Attacks.Selection s = Attacks.select(n);
        return Stream.concat(s.templates().stream().map(a -> a.name() + " (" + a.family() + ")"),
            s.modelDriven().stream().map(a -> a.name() + " (" + a.family() + ")")).collect(Collectors.joining(", "));
      } catch (BadInputException e) {
        return n;
      }
    }).collect(Collectors.joining(", "));
  }

  private static <T> List<T> limited(List<T> items, Integer limit) {
    return limit == null ? items : Suites.spread(items, limit);
  }

  private static Manifest.Counts counts(StageExecutor.Summary s) {
    return new Manifest.Counts(s.total(), s.doneInOutput(), s.failed(), s.skipped());
  }
}
