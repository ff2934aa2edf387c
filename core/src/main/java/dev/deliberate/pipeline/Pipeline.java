package dev.deliberate.pipeline;

import dev.deliberate.BadInputException;
import dev.deliberate.dataset.ExportFormat;
import dev.deliberate.dataset.Exporter;
import dev.deliberate.dataset.Filter;
import dev.deliberate.dataset.FilterSummary;
import dev.deliberate.dataset.SpecTextCheck;
import dev.deliberate.generate.Classifier;
import dev.deliberate.generate.Generator;
import dev.deliberate.generate.LabelClassifier;
import dev.deliberate.generate.ModelClassifier;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.judge.Judges;
import dev.deliberate.judge.SampleJudge;
import dev.deliberate.judge.SpecJudge;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageExecutor;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs a pipeline file's stages in order in one run directory. A stage runs when its section is in the file and it
 * is selected ({@code until}: every stage up to and including it; {@code only}: just it). Stages that call models
 * resume through the run machinery: done records are skipped, so a finished run rerun makes no model call; the
 * others are deterministic and rewrite their files. The pipeline stops after a stage that ends with failed records
 * or is interrupted; rerunning the same command resumes.
 *
 * <p>Files in the run directory: {@code prompts.jsonl} (import), {@code prompts-attacked.jsonl} (attack),
 * {@code train.jsonl}, {@code eval.jsonl}, {@code split-dropped.jsonl} (split), {@code classify.jsonl} and
 * {@code prompts-classified.jsonl} (classify), {@code completions.jsonl} (generate), {@code judgments.jsonl}
 * (judge), {@code sft.jsonl} and {@code filter-summary.json} (filter), {@code export/} (export), with
 * {@code manifest.json} and {@code cache.sqlite}.
 */
public final class Pipeline {
  /** The stages this runner knows, in the order they run. */
  public enum Stage {
    IMPORT, ATTACK, SPLIT, CLASSIFY, GENERATE, JUDGE, FILTER, EXPORT;

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

  /** How the run went: one line per stage that ran, and whether every stage finished without failed records. */
  public record Result(List<String> lines, boolean ok, boolean interrupted, Map<String, Long> modelCalls) {}

  private final PipelineFile file;
  private final PipelineConfig config;
  private final ModelResolver resolver;
  private final PrintWriter log;
  private final String version;

  public Pipeline(PipelineFile file, ModelResolver resolver, PrintWriter log, String version) {
    this.file = file;
    this.config = file.config();
    this.resolver = resolver;
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
    Spec spec = SpecParser.parse(file.resolve(config.spec()));
    RunDirectory run = RunDirectory.open(file.runDir(), version);
    Map<String, Object> runConfig = new LinkedHashMap<>();
    runConfig.put("pipeline", file.file().toAbsolutePath().toString());
    runConfig.put("pipeline_text", file.text());
    runConfig.put("stage1_template", Map.of("version", Stage1Prompt.standard().version(), "sha256", Stage1Prompt.standard().hash()));
    runConfig.put("judge_template", Map.of("sha256", SpecJudge.templateHash()));
    run.update(m -> m.withSpecHash(spec.hash()).withConfig(runConfig));
    List<String> lines = new ArrayList<>();
    Map<String, Long> calls = new LinkedHashMap<>();
    try (StageModels stageModels = new StageModels(run, resolver)) {
      Context ctx = new Context(run, spec, stageModels);
      for (Stage stage : Stage.values()) {
        boolean selected = only != null ? stage == only : until == null || stage.ordinal() <= until.ordinal();
        if (!selected || !configured(stage)) {
          continue;
        }
        StageOutcome outcome = runStage(stage, ctx);
        lines.add(stage.wireName() + ": " + outcome.line());
        log.println(stage.wireName() + ": " + outcome.line());
        log.flush();
        ctx.models().accounting().snapshot().forEach((id, u) -> calls.merge(id, u.requests(), Long::sum));
        if (outcome.interrupted() || !outcome.ok()) {
          return new Result(lines, false, outcome.interrupted(), calls);
        }
      }
    }
    return new Result(lines, true, false, calls);
  }

  private record StageOutcome(String line, boolean ok, boolean interrupted) {
    static StageOutcome ok(String line) {
      return new StageOutcome(line, true, false);
    }

    static StageOutcome of(String line, StageExecutor.Summary s) {
      return new StageOutcome(line, s.failed() == 0, s.interrupted());
    }
  }

  /** What stages share in one run: the run directory, the spec and the stage's models. */
  private record Context(RunDirectory run, Spec spec, StageModels models) {
    Path file(String name) {
      return run.file(name);
    }

    ChatModel model(PipelineConfig.ModelSettings settings) {
      return models.model(settings);
    }
  }

  private StageOutcome runStage(Stage stage, Context ctx) {
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
        outcome = StageOutcome.ok(n + " prompts -> " + output);
      }
      case ATTACK -> {
        output = "prompts-attacked.jsonl";
        long n = Stages.attack(ctx.file("prompts.jsonl"), ctx.file(output), config.attack().attacks(),
            config.attack().keepOriginal());
        stageConfig.put("attacks", config.attack().attacks());
        stageConfig.put("keep_original", config.attack().keepOriginal());
        counts = new Manifest.Counts(n, n, 0, 0);
        outcome = StageOutcome.ok(n + " prompts (plain and attacked) -> " + output);
      }
      case SPLIT -> {
        output = "train.jsonl";
        String in = config.attack() != null ? "prompts-attacked.jsonl" : "prompts.jsonl";
        Stages.SplitCounts c = Stages.split(ctx.file(in), ctx.file("train.jsonl"), ctx.file("eval.jsonl"),
            ctx.file("split-dropped.jsonl"), config.seed(), config.split().evalShare(), config.split().holdoutAttacks());
        stageConfig.put("eval_share", config.split().evalShare());
        stageConfig.put("holdout_attacks", config.split().holdoutAttacks());
        counts = new Manifest.Counts(c.train() + c.eval() + c.dropped(), c.train() + c.eval(), 0, 0);
        outcome = StageOutcome.ok(c.train() + " train, " + c.eval() + " eval, " + c.dropped()
            + " dropped (held-out attacks on training requests)");
      }
      case CLASSIFY -> {
        output = "prompts-classified.jsonl";
        String in = config.split() != null ? "train.jsonl" : config.attack() != null ? "prompts-attacked.jsonl" : "prompts.jsonl";
        PipelineConfig.ModelSettings settings = config.classify().settings();
        Classifier classifier = StageModels.isReference(settings.model()) ? new LabelClassifier(ctx.spec)
            : new ModelClassifier(ctx.model(settings), ctx.spec, config.classify().attempts());
        models.add(classifier.id());
        Stages.ClassifyCounts c = Stages.classify(ctx.file(in), ctx.file("classify.jsonl"), ctx.file(output),
            classifier, settings.concurrency(), log);
        counts = counts(c.summary());
        outcome = new StageOutcome(c.classified() + " classified, " + c.unclassified() + " left out (no category found)"
            + (c.failed() > 0 ? ", " + c.failed() + " failed" : ""), c.summary().failed() == 0, c.summary().interrupted());
      }
      case GENERATE -> {
        output = "completions.jsonl";
        PipelineConfig.Generate g = config.generate();
        ChatModel model = ctx.model(g.settings());
        models.add(model.id());
        Generator generator = new Generator(model, ctx.spec, Stage1Prompt.standard(),
            new Generator.Options(g.samples(), g.temperature(), g.topP(), g.maxTokens(), config.seed(), g.passLabels()));
        StageExecutor.Summary s = Stages.generate(ctx.file(promptsFile(config)), ctx.file(output), generator,
            g.settings().concurrency(), log);
        stageConfig.put("samples", g.samples());
        stageConfig.put("pass_labels", g.passLabels());
        counts = counts(s);
        long dropped = Stages.samples(ctx.file(output)).stream().filter(x -> !x.ok()).count();
        outcome = StageOutcome.of(s.doneInOutput() + " prompts x " + g.samples() + " samples, " + dropped
            + " samples unusable (see filter), " + s.failed() + " prompts failed", s);
      }
      case JUDGE -> {
        output = "judgments.jsonl";
        PipelineConfig.Judge j = config.judge();
        SpecJudge.Options options = new SpecJudge.Options(j.attempts(), j.temperature(), j.maxTokens(),
            config.seed() + 1000, j.jsonMode());
        var judges = Judges.create(j.model(), ctx.spec, m -> ctx.model(j.settings()), options);
        SampleJudge judge = new SampleJudge(ctx.spec, judges, j.samples(), j.seesCot(), j.labelHint());
        models.add(judge.judgeId());
        StageExecutor.Summary s = Stages.judge(ctx.file(promptsFile(config)), ctx.file("completions.jsonl"),
            ctx.file(output), judge, j.settings().concurrency(), log);
        stageConfig.put("samples", j.samples());
        stageConfig.put("sees_cot", j.seesCot());
        stageConfig.put("label_hint", j.labelHint());
        counts = counts(s);
        outcome = StageOutcome.of(s.doneInOutput() + " samples judged x " + j.samples() + ", " + s.failed() + " failed", s);
      }
      case FILTER -> {
        output = "sft.jsonl";
        Filter filter = new Filter(config.filter().options(), new SpecTextCheck(ctx.spec, Stage1Prompt.standard()));
        FilterSummary summary = Stages.filter(ctx.file(promptsFile(config)), ctx.file("completions.jsonl"),
            ctx.file("judgments.jsonl"), ctx.file(output), ctx.file("filter-summary.json"), filter);
        stageConfig.put("threshold", config.filter().options().threshold());
        counts = new Manifest.Counts(summary.kept() + summary.droppedTotal(), summary.kept(), 0, 0);
        outcome = StageOutcome.ok(summary.kept() + " kept, " + summary.droppedTotal() + " dropped "
            + summary.droppedByReason() + " -> " + output);
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
      default -> throw new IllegalStateException("unknown stage " + stage);
    }
    String status = outcome.interrupted() ? "interrupted" : outcome.ok() ? "done" : "failed";
    double seconds = (System.nanoTime() - start) / 1e9;
    Manifest.Stage record = new Manifest.Stage(stage.wireName(), status, models, config.seed(), stageConfig, null,
        output, counts, startedAt, Instant.now().toString(), seconds, ctx.models().accounting().snapshot());
    ctx.run.update(m -> m.withStage(record));
    return outcome;
  }

  private static Manifest.Counts counts(StageExecutor.Summary s) {
    return new Manifest.Counts(s.total(), s.doneInOutput(), s.failed(), s.skipped());
  }
}
