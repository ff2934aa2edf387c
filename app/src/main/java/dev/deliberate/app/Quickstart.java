package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.attack.Attack;
import dev.deliberate.attack.Attacks;
import dev.deliberate.data.AtomicFiles;
import dev.deliberate.data.Json;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.tiny.TinyCorpus;
import dev.deliberate.engine.tiny.TinyModel;
import dev.deliberate.engine.training.GrpoTrainer;
import dev.deliberate.engine.training.JudgeReward;
import dev.deliberate.engine.training.SftExample;
import dev.deliberate.engine.training.SftTrainer;
import dev.deliberate.engine.sampling.LocalChatModel;
import dev.deliberate.eval.ModelAnswerer;
import dev.deliberate.run.BatchingChatModel;
import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.eval.Evaluation;
import dev.deliberate.eval.Evaluation.SuitePrompt;
import dev.deliberate.eval.Sample;
import dev.deliberate.eval.Suites;
import dev.deliberate.judge.Graders;
import dev.deliberate.judge.ReferenceJudge;
import dev.deliberate.pipeline.Pipeline;
import dev.deliberate.pipeline.PipelineConfig;
import dev.deliberate.pipeline.PipelineFile;
import dev.deliberate.report.EvalResult;
import dev.deliberate.report.HtmlReport;
import dev.deliberate.report.SpecText;
import dev.deliberate.report.Summary;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import dev.deliberate.spec.Style;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The offline quickstart: the paper's comparison in miniature. It builds (or reuses) the tiny helpful-only base
 * model, runs the built-in data pipeline (import, attacks, split with held-out prompts and attack families, reference
 * generator, reference judge, filter), trains three students from the same base on the same prompts — direct SFT
 * (answers only), deliberative SFT (chain of thought and answer) and deliberative SFT followed by GRPO with the
 * reference judge as reward (the judge never sees the chain of thought) — evaluates the base and the three students
 * on the held-out prompts, and writes the report.
 *
 * <p>Every step records itself in the run directory's manifest with a hash of its inputs and is skipped on a rerun
 * when it is done with the same inputs; the trainers and the evaluation resume inside a step too.
 */
final class Quickstart {
  /** The four models compared, in the order of the table. */
  static final List<String> MODELS = List.of("base", "direct-sft", "deliberative-sft", "deliberative-sft+rl");

  record Options(QuickstartPlan plan, Path runDir, Path benchmarks, Path spec, Path cacheDir, long seed) {}

  /** What a finished quickstart produced. */
  record Result(List<EvalMetrics> metrics, List<EvalMetrics> heldOutAttacks, Path report, Map<String, Double> seconds) {}

  private final Options options;
  private final QuickstartPlan plan;
  private final PrintWriter out;
  private final Consumer<String> log;
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private RunDirectory run;
  private int stepNumber;

  Quickstart(Options options, PrintWriter out, PrintWriter err) {
    this.options = options;
    this.plan = options.plan();
    this.out = out;
    this.log = line -> {
      err.println("  " + line);
      err.flush();
    };
  }

  private static final int STEPS = 6 + MODELS.size();

  /**
   * Held-out prompts answered together. Eight is as fast as sixteen on two cores and needs half the memory (peak
   * 2.7 GB instead of 4.1 GB for a deliberative student's evaluation, prompts of up to 384 tokens).
   */
  private static final int EVAL_BATCH = 8;

  Result run() throws IOException {
    Spec spec = SpecParser.parse(options.spec());
    Files.createDirectories(options.runDir());
    // A fixed count, not one that follows the machine's load: GRPO's sampling amplifies the last-bit differences
    // that another thread count makes, so the RL student's numbers depend on it (SFT's did not, in our runs).
    int threads = Engines.fixThreads(Math.min(2, Runtime.getRuntime().availableProcessors()));
    out.println("engine: " + threads + (threads == 1 ? " thread" : " threads") + " (the same --seed and thread count give"
        + " the same numbers; DELIBERATE_THREADS=N to change it)");

    // 1. The base model.
    long start = System.nanoTime();
    progress("base", "the tiny helpful-only base model (built once, cached in " + options.cacheDir() + ")");
    Path base = TinyModel.ensure(options.cacheDir(), TinyModel.RECIPE, log);
    finished("base", start, base.getFileName().toString());

    // 2. Data: the built-in pipeline, in this run directory.
    start = System.nanoTime();
    PipelineFile pipeline = pipelineFile();
    progress("data", "import, attack, split, classify, generate, judge, filter (" + options.runDir().resolve("pipeline.yaml") + ")");
    run = RunDirectory.open(options.runDir(), StageCommand.version());
    String dataHash = hash(pipeline.text(), options.spec().toAbsolutePath().toString(), options.benchmarks().toAbsolutePath().toString(), options.seed());
    if (!done("data", dataHash, "sft.jsonl")) {
      Pipeline.Result result = new Pipeline(pipeline, ModelStrings.resolver(), new PrintWriter(new LogWriter(log), true),
          StageCommand.version()).run(null, null);
      if (!result.ok()) {
        throw new ExitException(result.interrupted() ? ExitCode.INTERRUPTED : ExitCode.FAILURE,
            result.stopped() != null ? "the data pipeline stopped: " + result.stopped()
                : "the data pipeline stopped (see above); rerun the same command to resume");
      }
      record("data", dataHash, "sft.jsonl", start);
    }
    describeSplit(pipeline.config());
    finished("data", start, null);

    // 3. The students.
    try (LocalModel baseModel = LocalModel.open(base)) {
      ChatFormat format = baseModel.chatFormat();
      int context = baseModel.config().maxPositions();
      List<dev.deliberate.dataset.SftExample> safety = fitting(readSft(run.file("sft.jsonl")), baseModel, format, context);
      List<SftExample> deliberative = sftMix(safety);
      List<SftExample> direct = deliberative.stream().map(e -> new SftExample(e.context(), "", e.answer())).toList();
      Path directDir = trainSft("direct-sft", base, direct);
      Path deliberativeDir = trainSft("deliberative-sft", base, deliberative);
      Path rlDir = trainRl(deliberativeDir, spec, baseModel, format);

      // 4. Evaluation on held-out prompts and attacks.
      List<SuitePrompt> evalPrompts = evalPrompts(baseModel, format, context);
      Map<String, Path> dirs = new LinkedHashMap<>();
      dirs.put("base", base);
      dirs.put("direct-sft", directDir);
      dirs.put("deliberative-sft", deliberativeDir);
      dirs.put("deliberative-sft+rl", rlDir);
      for (Map.Entry<String, Path> e : dirs.entrySet()) {
        evaluate(e.getKey(), e.getValue(), evalPrompts);
      }
    }

    // 5. The report.
    start = System.nanoTime();
    progress("report", "the HTML report");
    List<EvalResult> results = new ArrayList<>();
    for (String model : MODELS) {
      results.addAll(EvalResult.load(evalDir(model)));
    }
    results = EvalResult.labelled(results);
    Path report = run.file("report.html");
    AtomicFiles.writeString(report, HtmlReport.render(results, SpecText.of(spec)));
    AtomicFiles.writeString(run.file("report.md"), Summary.markdown(results));
    finished("report", start, null);

    List<EvalMetrics> metrics = results.stream().map(EvalResult::metrics).toList();
    List<EvalMetrics> heldOut = results.stream().map(r -> heldOutAttacks(r, pipeline.config())).toList();
    printResults(metrics, heldOut, results, pipeline.config(), report);
    return new Result(metrics, heldOut, report, seconds);
  }

  // ---- data ----

  private PipelineFile pipelineFile() throws IOException {
    String text;
    try (InputStream in = Quickstart.class.getResourceAsStream(plan.pipeline())) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + plan.pipeline());
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path file = options.runDir().resolve("pipeline.yaml");
    if (!Files.isRegularFile(file) || !Files.readString(file).equals(text)) {
      AtomicFiles.writeString(file, text);
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("spec", options.spec().toAbsolutePath().toString());
    overrides.put("benchmarks", options.benchmarks().toAbsolutePath().toString());
    overrides.put("seed", Long.toString(options.seed()));
    overrides.put("run_dir", options.runDir().toAbsolutePath().toString());
    return PipelineFile.read(file, overrides);
  }

  private void describeSplit(PipelineConfig config) {
    List<String> heldOut = config.split().holdoutAttacks();
    List<String> trained = config.attack().attacks().stream().filter(a -> !heldOut.contains(a)).toList();
    int train = Prompts.readAll(run.file("train.jsonl")).size();
    int eval = Prompts.readAll(run.file("eval.jsonl")).size();
    out.println("  attacks in training: " + describeAttacks(trained));
    out.println("  attacks held out (evaluation only): " + describeAttacks(heldOut));
    out.println("  prompts: " + train + " for training, " + eval + " held out (requests never seen in training, "
        + "plain and under every attack)");
    out.flush();
  }

  private static String describeAttacks(List<String> names) {
    return names.stream().map(n -> n + " (" + Attacks.named(n).family() + ")").collect(Collectors.joining(", "));
  }

  private static List<dev.deliberate.dataset.SftExample> readSft(Path file) {
    try (JsonlReader<dev.deliberate.dataset.SftExample> reader =
        JsonlReader.open(file, dev.deliberate.dataset.SftExample.class, false)) {
      return reader.stream().toList();
    }
  }

  /** The examples whose whole deliberative turn fits the context, so that neither student sees a cut example. */
  private List<dev.deliberate.dataset.SftExample> fitting(List<dev.deliberate.dataset.SftExample> examples,
      LocalModel model, ChatFormat format, int context) {
    List<dev.deliberate.dataset.SftExample> out = new ArrayList<>();
    long promptTokens = 0;
    long turnTokens = 0;
    for (dev.deliberate.dataset.SftExample e : examples) {
      int prompt = model.tokenizer().encode(format.prompt(e.promptMessages())).length;
      int turn = model.tokenizer().encode(format.assistantTurn(e.reasoning(), e.answer())).length;
      if (prompt <= plan.maxPromptTokens() && prompt + turn <= context) {
        out.add(e);
        promptTokens += prompt;
        turnTokens += turn;
      }
    }
    log.accept(String.format(Locale.ROOT, "sft data: %d of %d filtered examples have a prompt of at most %d tokens and"
        + " fit the context of %d (mean prompt %.0f tokens, mean CoT + answer %.0f)", out.size(), examples.size(),
        plan.maxPromptTokens(), context, promptTokens / (double) Math.max(1, out.size()),
        turnTokens / (double) Math.max(1, out.size())));
    return out;
  }

  /**
   * The SFT mix both SFT students learn from (the direct one without the reasoning): safety examples drawn with the
   * seed, with every expected behaviour represented in its share of the data, plus ordinary requests from the base
   * model's own instruction mix so that it keeps answering them.
   */
  private List<SftExample> sftMix(List<dev.deliberate.dataset.SftExample> safety) {
    List<SftExample> mix = new ArrayList<>();
    for (dev.deliberate.dataset.SftExample e : balanced(safety, dev.deliberate.dataset.SftExample::expected,
        plan.sftExamples(), plan.benignShare(), options.seed())) {
      mix.add(new SftExample(e.promptMessages(), e.reasoning(), e.answer()));
    }
    long benign = safety.stream().filter(e -> e.expected() == Style.COMPLY).count();
    log.accept("sft mix: " + mix.size() + " safety examples (" + Math.round(plan.benignShare() * 100)
        + "% benign, drawn from " + benign + " benign and " + (safety.size() - benign) + " others) + "
        + plan.ordinaryExamples() + " ordinary requests");
    mix.addAll(TinyCorpus.ordinaryExamples(plan.ordinaryExamples(), options.seed() + 17));
    java.util.Collections.shuffle(mix, new Random(options.seed() + 1));
    return mix;
  }

  // ---- training ----

  private Path trainSft(String name, Path base, List<SftExample> examples) throws IOException {
    long start = System.nanoTime();
    Path dir = run.file("models").resolve(name);
    progress(name, examples.size() + " examples, " + plan.sftSteps() + " steps of " + plan.sftBatch());
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("model", base.toString());
    job.put("epochs", 1);
    job.put("steps", plan.sftSteps());
    job.put("lr", plan.sftLearningRate());
    job.put("warmup", 0.1);
    job.put("batch", plan.sftBatch());
    job.put("eval_fraction", 0.0);
    job.put("eval_every", 1_000_000);
    job.put("checkpoint_every", 25);
    job.put("log_every", 25);
    job.put("seed", options.seed());
    SftTrainer.Settings settings = SftTrainer.Settings.of(PipelineFile.section(PipelineConfig.Sft.class, job, name));
    String hash = hash(base.getFileName().toString(), settings, examples.stream().map(SftExample::id).toList());
    if (!done(name, hash, "models/" + name + "/config.json")) {
      prepareOutput(dir, hash);
      try (LocalModel model = LocalModel.open(base)) {
        Map<String, Object> provenance = Map.of("base_model", base.toAbsolutePath().toString(), "quickstart", name,
            "examples_hash", hash);
        var r = new SftTrainer(settings).train(model, examples, List.of(), dir, provenance, log);
        log.accept(String.format(Locale.ROOT, "%s: loss %.3f -> %.3f, %.0f tokens/s", name, r.firstLoss(), r.lastLoss(),
            r.tokensPerSecond()));
      }
      record(name, hash, "models/" + name + "/config.json", start);
    }
    finished(name, start, null);
    return dir;
  }

  /** GRPO from the deliberative SFT model on training prompts (benign ones included); the judge never sees the CoT. */
  private Path trainRl(Path sftDir, Spec spec, LocalModel baseModel, ChatFormat format) throws IOException {
    long start = System.nanoTime();
    String name = "deliberative-sft+rl";
    Path dir = run.file("models").resolve("deliberative-sft-rl");
    List<Prompt> prompts = rlPrompts(baseModel, format);
    long benign = prompts.stream().filter(p -> p.expected() == Style.COMPLY).count();
    progress(name, "GRPO, " + plan.rlSteps() + " rounds of " + plan.rlPrompts() + " prompts x " + plan.rlGroup()
        + " answers; " + prompts.size() + " training prompts (" + benign + " benign); reward: the reference judge, CoT hidden");
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("model", sftDir.toString());
    job.put("steps", plan.rlSteps());
    job.put("prompts_per_step", plan.rlPrompts());
    job.put("group", plan.rlGroup());
    job.put("lr", plan.rlLearningRate());
    job.put("max_new_tokens", plan.rlMaxNewTokens());
    job.put("eval_every", Math.max(1, plan.rlSteps()));
    job.put("probe", 0);
    job.put("seed", options.seed());
    GrpoTrainer.Settings settings = GrpoTrainer.Settings.of(PipelineFile.section(PipelineConfig.Rl.class, job, name));
    String hash = hash(fingerprint(sftDir), settings, prompts.stream().map(Prompt::id).toList(), spec.hash());
    if (!done(name, hash, "models/deliberative-sft-rl/config.json")) {
      prepareOutput(dir, hash);
      try (LocalModel policy = LocalModel.open(sftDir); LocalModel frozen = LocalModel.open(sftDir)) {
        JudgeReward reward = new JudgeReward(new ReferenceJudge(spec), spec, settings.formatReward());
        Map<String, Object> provenance = Map.of("model", sftDir.toAbsolutePath().toString(), "quickstart", name,
            "spec_hash", spec.hash());
        GrpoTrainer.Result r = new GrpoTrainer(settings).train(policy, frozen, prompts, List.of(), reward, dir,
            provenance, log);
        log.accept(String.format(Locale.ROOT, "rl: mean reward %.3f -> %.3f, KL %.4f", r.firstMeanReward(),
            r.lastMeanReward(), r.lastKl()));
      }
      record(name, hash, "models/deliberative-sft-rl/config.json", start);
    }
    finished(name, start, null);
    return dir;
  }

  /**
   * {@code n} items drawn with the seed, {@code benignShare} of them benign (expected comply) and the
   * rest not: the benchmarks hold about two harmful requests per benign one, and a tiny model trained on that ratio
   * learns to refuse everything. A side with fewer items than its share is repeated (each item once before any
   * twice); with no items on a side, the other fills everything.
   */
  private static <T> List<T> balanced(List<T> items, java.util.function.Function<T, Style> expected, int n,
      double benignShare, long seed) {
    List<T> benign = new ArrayList<>(items.stream().filter(i -> expected.apply(i) == Style.COMPLY).toList());
    List<T> others = new ArrayList<>(items.stream().filter(i -> expected.apply(i) != Style.COMPLY).toList());
    java.util.Collections.shuffle(benign, new Random(seed));
    java.util.Collections.shuffle(others, new Random(seed + 1));
    int wantBenign = others.isEmpty() ? n : benign.isEmpty() ? 0 : (int) Math.round(n * benignShare);
    List<T> out = cycle(benign, wantBenign);
    out.addAll(cycle(others, n - wantBenign));
    java.util.Collections.shuffle(out, new Random(seed + 2));
    return out;
  }

  private static <T> List<T> cycle(List<T> items, int n) {
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n && !items.isEmpty(); i++) {
      out.add(items.get(i % items.size()));
    }
    return out;
  }

  /** The RL prompts: training prompts (never held-out ones) drawn with the seed, benign ones in their share. */
  private List<Prompt> rlPrompts(LocalModel model, ChatFormat format) {
    List<Prompt> all = new ArrayList<>(Prompts.readAll(run.file("prompts-classified.jsonl")));
    int room = Math.min(plan.maxPromptTokens(), model.config().maxPositions() - plan.rlMaxNewTokens());
    all.removeIf(p -> model.tokenizer().encode(format.prompt(p.messages())).length > room);
    return balanced(all, Prompt::expected, plan.rlSteps() * plan.rlPrompts(), plan.rlBenignShare(), options.seed() + 3);
  }

  // ---- evaluation ----

  /**
   * The held-out evaluation prompts: StrongREJECT requests from the eval split, each plain and under every attack
   * (training and held-out families), and plain XSTest prompts (safe and unsafe), spread over the split. Prompts
   * whose text leaves no room for a full answer in the context are left out (the same for every model); the rest
   * are ordered by length so that batches waste little padding.
   */
  private List<SuitePrompt> evalPrompts(LocalModel model, ChatFormat format, int context) {
    List<Prompt> eval = Prompts.readAll(run.file("eval.jsonl"));
    List<String> requests = eval.stream().filter(p -> Suites.STRONGREJECT.equals(p.source()))
        .map(Prompt::request).distinct().sorted().toList();
    Set<String> chosen = new LinkedHashSet<>(Suites.spread(requests, plan.evalRequests()));
    List<Prompt> xsTest = eval.stream().filter(p -> Suites.XSTEST.equals(p.source()) && p.attack() == null)
        .sorted(Comparator.comparing(Prompt::id)).toList();
    List<Prompt> picked = new ArrayList<>();
    eval.stream().filter(p -> Suites.STRONGREJECT.equals(p.source()) && chosen.contains(p.request())).forEach(picked::add);
    picked.addAll(Suites.spread(xsTest, plan.evalXsTest()));
    int room = context - plan.evalMaxNewTokens();
    Map<Prompt, Integer> lengths = new LinkedHashMap<>();
    for (Prompt p : picked) {
      lengths.put(p, model.tokenizer().encode(format.prompt(p.messages())).length);
    }
    List<Prompt> fit = picked.stream().filter(p -> lengths.get(p) <= room)
        .sorted(Comparator.comparing((Prompt p) -> lengths.get(p)).thenComparing(Prompt::id)).toList();
    log.accept("eval: " + fit.size() + " held-out prompts (" + (picked.size() - fit.size())
        + " left out: longer than " + room + " tokens)");
    return fit.stream().map(p -> new SuitePrompt(p.source(), p)).toList();
  }

  private void evaluate(String name, Path modelDir, List<SuitePrompt> prompts) throws IOException {
    long start = System.nanoTime();
    String step = "eval-" + name;
    progress(step, prompts.size() + " held-out prompts, greedy, graded by the reference grader");
    String hash = hash(fingerprint(modelDir), prompts.stream().map(p -> p.prompt().id()).toList(),
        plan.evalMaxNewTokens(), options.seed());
    Path dir = evalDir(name);
    String output = run.dir().relativize(dir.resolve(Evaluation.METRICS)).toString();
    if (!done(step, hash, output)) {
      prepareOutput(dir, hash);
      try (LocalChatModel model = LocalChatModel.open(modelDir)) {
        // The prompts come sorted by length, so each batch of the executor's concurrency holds similar lengths.
        ModelAnswerer answerer = new ModelAnswerer(new BatchingChatModel(model, EVAL_BATCH, Duration.ofMillis(50)),
            options.seed(), plan.evalMaxNewTokens(), "").named(name);
        new Evaluation(dir, Graders.named("reference", ModelStrings::resolve), options.seed(), EVAL_BATCH,
            new PrintWriter(new LogWriter(log), true)).run(prompts, answerer);
      }
      record(step, hash, output, start);
    }
    finished(step, start, null);
  }

  private Path evalDir(String model) {
    return run.file("eval").resolve(model.replace('+', '-'));
  }

  /** The StrongREJECT answers under the held-out attacks only, as metrics of their own. */
  private EvalMetrics heldOutAttacks(EvalResult r, PipelineConfig config) {
    List<Sample> these = r.samples().stream()
        .filter(s -> s.attack() != null && config.split().holdoutAttacks().contains(s.attack()))
        .toList();
    return EvalMetrics.compute(r.metrics().model(), r.metrics().grader(), options.seed(), these, 0);
  }

  // ---- output ----

  private void printResults(List<EvalMetrics> metrics, List<EvalMetrics> heldOut, List<EvalResult> results,
      PipelineConfig config, Path report) {
    out.println();
    out.println("Held-out prompts (requests never trained on; plain, training attacks and held-out attacks):");
    out.print(Summary.table(metrics));
    out.println();
    out.println("Held-out attacks only (" + String.join(", ", config.split().holdoutAttacks()) + "):");
    out.printf(Locale.ROOT, "%-28s %-26s %-26s%n", "model", "goodness@0.1", "not_unsafe");
    for (EvalMetrics m : heldOut) {
      out.printf(Locale.ROOT, "%-28s %-26s %-26s%n", m.model(), display(m, "goodness@0.1"), display(m, "not_unsafe"));
    }
    out.println();
    printExamples(results, config);
    out.println("report: " + report.toAbsolutePath());
    out.println();
    out.println("time per stage:");
    double total = 0;
    for (Map.Entry<String, Double> e : seconds.entrySet()) {
      out.printf(Locale.ROOT, "  %-24s %7.1f s%n", e.getKey(), e.getValue());
      total += e.getValue();
    }
    out.printf(Locale.ROOT, "  %-24s %7.1f s%n", "total", total);
    out.flush();
  }

  private static String display(EvalMetrics m, String metric) {
    return m.metrics().containsKey(metric) ? m.metrics().get(metric).display() : "-";
  }

  /** What each model wrote for two held-out attacked prompts (the first two, in a fixed order). */
  private void printExamples(List<EvalResult> results, PipelineConfig config) {
    List<Sample> first = results.get(0).samples().stream()
        .filter(s -> s.attack() != null && config.split().holdoutAttacks().contains(s.attack()))
        .sorted(Comparator.comparing(Sample::promptId))
        .toList();
    List<String> shown = new ArrayList<>();
    Set<String> attacks = new LinkedHashSet<>();
    for (Sample s : first) {
      if (shown.size() < 2 && attacks.add(s.attack())) {
        shown.add(s.promptId());
      }
    }
    for (String promptId : shown) {
      Sample head = first.stream().filter(s -> s.promptId().equals(promptId)).findFirst().orElseThrow();
      out.println("Held-out attack " + head.attack() + " on: " + clip(head.request(), 160));
      for (EvalResult r : results) {
        r.samples().stream().filter(s -> s.promptId().equals(promptId)).findFirst().ifPresent(s -> {
          out.println("  " + r.label() + ":");
          if (!s.reasoning().isBlank()) {
            out.println("    thinks:  " + clip(s.reasoning(), 240));
          }
          out.println("    answers: " + clip(s.answer(), 240));
        });
      }
      out.println();
    }
  }

  private static String clip(String text, int max) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= max ? line : line.substring(0, max) + " ...";
  }

  private void progress(String step, String what) {
    stepNumber++;
    out.println("[" + stepNumber + "/" + STEPS + "] " + step + ": " + what);
    out.flush();
  }

  private void finished(String step, long start, String note) {
    double s = (System.nanoTime() - start) / 1e9;
    seconds.merge(step, s, Double::sum);
    out.printf(Locale.ROOT, "      %s done in %.1f s%s%n", step, s, note == null ? "" : " (" + note + ")");
    out.flush();
  }

  // ---- resumability ----

  private static String hash(Object... parts) {
    return Hashes.sha256Hex(Json.line(List.of(parts))).substring(0, 16);
  }

  private boolean done(String step, String hash, String output) {
    Manifest.Stage stage = run.stage("quickstart:" + step);
    boolean done = stage != null && "done".equals(stage.status()) && hash.equals(stage.inputHash())
        && Files.exists(run.dir().resolve(output));
    if (done) {
      out.println("      " + step + ": already done in this run directory, skipped");
      out.flush();
    }
    return done;
  }

  /** The SHA-256 of a model directory's weights: what a step trained on or evaluated, whatever its path. */
  private static String fingerprint(Path modelDir) throws IOException {
    return Hashes.sha256Hex(Files.readAllBytes(modelDir.resolve("model.safetensors"))).substring(0, 16);
  }

  /**
   * Prepares a step's output directory: a step resumes what it left there (a checkpoint, answers so far) only when
   * that was made from the same inputs; anything made from other inputs (an earlier seed, plan or spec) is deleted
   * first, so that it can never be mixed into the new result.
   */
  private void prepareOutput(Path dir, String hash) throws IOException {
    Path inputs = dir.resolve(".quickstart-inputs");
    if (Files.isDirectory(dir) && !(Files.isRegularFile(inputs) && Files.readString(inputs).equals(hash))) {
      log.accept("inputs changed since " + run.dir().relativize(dir) + " was written: starting it afresh");
      AtomicFiles.deleteRecursively(dir);
    }
    Files.createDirectories(dir);
    AtomicFiles.writeString(inputs, hash);
  }

  private void record(String step, String hash, String output, long start) {
    double s = (System.nanoTime() - start) / 1e9;
    Manifest.Stage stage = new Manifest.Stage("quickstart:" + step, "done", List.of(), options.seed(), Map.of(),
        hash, output, null, Instant.now().minusMillis((long) (s * 1000)).toString(), Instant.now().toString(), s, null);
    run.update(m -> m.withStage(stage));
  }

  /** Sends a pipeline's progress lines to the log, line by line. */
  private static final class LogWriter extends java.io.Writer {
    private final Consumer<String> log;
    private final StringBuilder line = new StringBuilder();

    LogWriter(Consumer<String> log) {
      this.log = log;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        if (chars[i] == '\n') {
          log.accept(line.toString());
          line.setLength(0);
        } else if (chars[i] != '\r') {
          line.append(chars[i]);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      if (line.length() > 0) {
        log.accept(line.toString());
      }
    }
  }

  static void checkBenchmarks(Path dir) {
    if (!Files.isRegularFile(dir.resolve("strongreject").resolve("strongreject_dataset.csv"))
        || !Files.isRegularFile(dir.resolve("xstest").resolve("xstest_prompts.csv"))) {
      throw new BadInputException("--benchmarks " + dir + ": expected strongreject/strongreject_dataset.csv and"
          + " xstest/xstest_prompts.csv there");
    }
  }
}
