package dev.deliberate.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.Hashes;
import dev.deliberate.attack.AttackModels;
import dev.deliberate.attack.Attacks;
import dev.deliberate.attack.Attempt;
import dev.deliberate.attack.ModelAttack;
import dev.deliberate.eval.AttackingAnswerer;
import dev.deliberate.eval.ModelAnswerer;
import dev.deliberate.eval.Suites;
import dev.deliberate.judge.Grader;
import dev.deliberate.model.ChatModel;
import dev.deliberate.io.AtomicFiles;
import dev.deliberate.io.Json;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.JsonlWriter;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.PromptImporter;
import dev.deliberate.data.Prompts;
import dev.deliberate.data.StrongRejectImporter;
import dev.deliberate.data.XsTestImporter;
import dev.deliberate.data.Splits;
import dev.deliberate.dataset.ExportFormat;
import dev.deliberate.dataset.Exporter;
import dev.deliberate.dataset.Filter;
import dev.deliberate.dataset.FilterSummary;
import dev.deliberate.dataset.SftExample;
import dev.deliberate.dataset.SpecTextCheck;
import dev.deliberate.generate.Classifier;
import dev.deliberate.generate.Generator;
import dev.deliberate.generate.Sample;
import dev.deliberate.judge.SampleJudge;
import dev.deliberate.judge.SampleJudgments;
import dev.deliberate.judge.SpecJudge;
import dev.deliberate.model.ModelFailures;
import dev.deliberate.run.UnusableReply;
import dev.deliberate.spec.Spec;
import dev.deliberate.run.StageExecutor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The stages as plain functions from files to files, shared by {@code deliberate run} and the stage commands. The
 * stages that call models (classify, generate, judge) go through the run machinery's {@link StageExecutor}: one
 * output line per input record, appended as it finishes, done records skipped on a rerun while what made them
 * (model, options, template, spec, the input record) is unchanged, and failed ones tried again. A reply the stage
 * cannot use is a failed record with its reason, never a done record with nothing in it. The others are cheap
 * and deterministic and rewrite their output atomically.
 */
public final class Stages {
  private Stages() {}

  // ---- import ----

  /** A prompt file to import, resolved: the importer for its format, the file, at most {@code limit} prompts. */
  public record Source(String format, Path file, Integer limit) {
    PromptImporter importer() {
      return switch (format) {
        case "strongreject" -> new StrongRejectImporter();
        case "xstest" -> new XsTestImporter();
        case "jsonl" -> (file, skipBad, sink) -> {
          try (JsonlReader<Prompt> reader = Prompts.read(file, skipBad)) {
            reader.forEach(sink);
            return reader.skipped();
          }
        };
        default -> throw new dev.deliberate.BadInputException("unknown import format '" + format + "'");
      };
    }
  }

  /** Imports every source in order into one prompts file; a prompt id seen twice is kept once. */
  public static long importPrompts(List<Source> sources, Path out) {
    Map<String, Prompt> prompts = new LinkedHashMap<>();
    for (Source source : sources) {
      List<Prompt> read = source.importer().readAll(source.file());
      int limit = source.limit() == null ? read.size() : Math.min(source.limit(), read.size());
      read.subList(0, limit).forEach(p -> prompts.putIfAbsent(p.id(), p));
    }
    return JsonlWriter.writeAll(out, prompts.values());
  }

  // ---- attack and split ----

  /**
   * The models of the model-driven attacks of the attack stage, built by the run's model factory.
   *
   * @param attacker writes the attacks
   * @param target PAIR's target, or null when no chosen attack needs one
   * @param judge PAIR's judge, or null when no chosen attack needs one
   * @param concurrency prompts attacked at once
   */
  public record AttackRun(ChatModel attacker, ChatModel target, Grader judge, long seed, int concurrency,
      PrintWriter log) {}

  /** One line of the model-driven attacks' log: the attacked prompt and what it cost. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelAttacked(Prompt prompt, int rounds, int calls, String failure) {}

  /**
   * How the attack stage went: records written, of them the originals kept, and the model-driven attacks' executor
   * summary (null without).
   */
  public record AttackCounts(long written, long originals, StageExecutor.Summary modelDriven) {
    public long variants() {
      return written - originals;
    }
  }

  /**
   * Writes each plain prompt (when {@code keepOriginal}), its template variants, then its model-driven variants.
   * The model-driven ones run on the {@link StageExecutor} into {@code modelLog} (one line per prompt and attack,
   * keyed by the attack's key and its models, so a rerun reuses them and a killed run resumes from the response
   * cache); a variant whose attack call failed is left out of {@code out} and tried again by a rerun. An attack the
   * attacker refused is a variant too: the plain request under the attack's name, marked {@code attack_failed};
   * so is one whose text reads as an answer ({@link Attempt#forData}): these prompts become training data.
   */
  public static AttackCounts attack(List<Prompt> prompts, Path out, Path modelLog, Attacks.Selection selection,
      boolean keepOriginal, AttackRun run) {
    StageExecutor.Summary summary = null;
    Map<String, ModelAttacked> made = Map.of();
    record Item(String id, String key, Prompt prompt, ModelAttack attack) {}
    List<Item> items = new ArrayList<>();
    if (selection.needsAttacker()) {
      if (run == null || run.attacker() == null) {
        throw new dev.deliberate.BadInputException("model-driven attacks need an attacker model");
      }
      ModelAnswerer target = run.target() == null ? null : new ModelAnswerer(run.target(), run.seed(), null);
      AttackModels models = new AttackModels(run.attacker(),
          target == null ? null : text -> target.answer("attack", Prompt.of(text, null, null, null, Map.of())).content(),
          run.judge() == null ? null : AttackingAnswerer.judge(run.judge()));
      for (Prompt p : prompts) {
        if (p.attack() != null) {
          continue;
        }
        for (ModelAttack a : selection.modelDriven()) {
          String key = String.join("\n", a.key(), run.attacker().id(),
              a.needsTarget() && run.target() != null ? run.target().id() : "",
              a.needsTarget() && run.judge() != null ? run.judge().key() : "");
          items.add(new Item(Hashes.shortId("m-", p.id(), a.name()), key, p, a));
        }
      }
      summary = new StageExecutor<Item>(modelLog, Item::id, Item::key, item -> {
        Attempt attempt = item.attack().attack(item.prompt().request(), models).forData(item.prompt().request());
        return new ModelAttacked(item.attack().applied(item.prompt(), attempt), attempt.rounds(), attempt.calls(),
            attempt.failure());
      }, StageExecutor.Options.of("attack", run.concurrency(), run.log())).run(items.iterator(), items.size());
      made = dev.deliberate.eval.EvalFiles.readDone(modelLog, ModelAttacked.class);
    }
    Map<String, List<Prompt>> byPrompt = new LinkedHashMap<>();
    for (Item item : items) {
      ModelAttacked m = made.get(item.id());
      if (m != null) {
        byPrompt.computeIfAbsent(item.prompt().id(), k -> new ArrayList<>()).add(m.prompt());
      }
    }
    List<Prompt> written = new ArrayList<>();
    for (Prompt p : prompts) {
      written.addAll(Attacks.expand(p, selection.templates(), keepOriginal));
      written.addAll(byPrompt.getOrDefault(p.id(), List.of()));
    }
    return new AttackCounts(JsonlWriter.writeAll(out, written), keepOriginal ? prompts.size() : 0, summary);
  }

  /** Counts of a split. */
  public record SplitCounts(int train, int validation, int eval, int dropped) {}

  /**
   * Splits by request and held-out attacks (see {@link Splits}); writes train, validation, eval and the dropped
   * records. The validation part is split off the training requests the same way (another salt of the seed, no
   * attack held out), so it shares no request with either side and holds only attacks training sees: recipe
   * choices made on it never look at the held-out evaluation.
   */
  public static SplitCounts split(Path in, Path train, Path validation, Path eval, Path dropped, long seed,
      PipelineConfig.Split options) {
    Splits.Split split = Splits.split(Prompts.readAll(in), seed, options.evalShare(), options.holdoutAttacks());
    List<Prompt> training = split.train();
    List<Prompt> validating = List.of();
    if (options.validationShare() > 0) {
      Splits.Split inner = Splits.split(training, seed + 1_000_003L,
          options.validationShare() / (1 - options.evalShare()), List.of());
      training = inner.train();
      validating = inner.eval();
    }
    JsonlWriter.writeAll(train, training);
    JsonlWriter.writeAll(validation, validating);
    JsonlWriter.writeAll(eval, split.eval());
    JsonlWriter.writeAll(dropped, split.dropped());
    return new SplitCounts(training.size(), validating.size(), split.eval().size(), split.dropped().size());
  }

  // ---- classify ----

  /** One classify output line. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Classified(String category, String classifier) {}

  /**
   * Gives every prompt without a category of the spec one, through the executor (output {@code log}, one line
   * per prompt asked about), then writes {@code out}: every prompt, with its category. Prompts that already have
   * a category of the spec are not asked about unless {@code reclassify}, and a labelled prompt is never left
   * out: when asking about it failed, it keeps its label. Left out are only the prompts without a category that
   * got none: the reference classifier found no label ({@code unclassified}) or the model's reply named none
   * ({@code failed}, a failed record in the log, asked again on a rerun).
   */
  public static ClassifyCounts classify(Path in, Path log, Path out, Spec spec, Classifier classifier,
      boolean reclassify, int concurrency, PrintWriter progress) {
    List<Prompt> prompts = Prompts.readAll(in);
    List<Prompt> toAsk = prompts.stream().filter(p -> reclassify || !labelled(p, spec)).toList();
    String settings = classifier.settings();
    StageExecutor<Prompt> executor = new StageExecutor<>(log, Prompt::id, p -> recordKey(settings, p),
        p -> new Classified(classifier.classify(p).orElse(null), classifier.id()),
        StageExecutor.Options.of("classify", concurrency, progress));
    StageExecutor.Summary summary = executor.run(toAsk.iterator(), toAsk.size());
    Map<String, String> categories = new LinkedHashMap<>();
    for (JsonNode line : doneLines(log)) {
      categories.put(line.get("id").asText(), line.path("category").isTextual() ? line.get("category").asText() : null);
    }
    Set<String> asked = new HashSet<>();
    toAsk.forEach(p -> asked.add(p.id()));
    List<Prompt> written = new ArrayList<>();
    int kept = 0;
    int classified = 0;
    int unclassified = 0;
    int failed = 0;
    for (Prompt p : prompts) {
      boolean hasLabel = labelled(p, spec);
      if (!asked.contains(p.id())) {
        written.add(p);
        kept++;
      } else if (categories.get(p.id()) != null) {
        written.add(p.withCategory(categories.get(p.id())));
        classified++;
      } else if (hasLabel) {
        written.add(p); // asking again failed or found nothing: the label it came with stays
        kept++;
        failed += categories.containsKey(p.id()) ? 0 : 1;
      } else if (categories.containsKey(p.id())) {
        unclassified++;
      } else {
        failed++;
      }
    }
    JsonlWriter.writeAll(out, written);
    return new ClassifyCounts(summary, kept, classified, unclassified, failed);
  }

  /**
   * How a classify run went, by prompt: {@code kept} kept the category they came with, {@code classified} got one,
   * {@code unclassified} got none from their labels, {@code failed} got no usable reply (a labelled prompt whose
   * re-classification failed is counted in both kept and failed).
   */
  public record ClassifyCounts(StageExecutor.Summary summary, int kept, int classified, int unclassified, int failed) {
    /** Prompts written to the output. */
    public int written() {
      return kept + classified;
    }
  }

  // ---- generate ----

  private static boolean labelled(Prompt prompt, Spec spec) {
    return prompt.category() != null && spec.findCategory(prompt.category()).isPresent();
  }

  /** The key of a record: what made it ({@code settings}) and the input record it was made from. */
  static String recordKey(String settings, Object... inputs) {
    StringBuilder all = new StringBuilder(settings);
    for (Object input : inputs) {
      all.append('\u0000').append(Json.line(input));
    }
    return Hashes.sha256Hex(all.toString());
  }

  /** One generate output line: the K samples of a prompt. */
  public record Generated(@JsonProperty("prompt_id") String promptId, List<Sample> samples) {}

  /** @param limit at most this many of the prompts, spread over them, or null for all */
  public static StageExecutor.Summary generate(Path in, Path out, Generator generator, Integer limit, int concurrency,
      PrintWriter progress) {
    List<Prompt> prompts = limit == null ? Prompts.readAll(in) : Suites.spread(Prompts.readAll(in), limit);
    List<Prompt> missing = prompts.stream().filter(p -> p.category() == null).toList();
    if (!missing.isEmpty()) {
      throw new dev.deliberate.BadInputException(in + ": prompt " + missing.get(0).id() + " has no category ("
          + missing.size() + " such prompts): run the classify stage first");
    }
    StageExecutor<Prompt> executor = new StageExecutor<>(out, Prompt::id, generator::recordKey,
        p -> new Generated(p.id(), usable(generator.generate(p))), StageExecutor.Options.of("generate", concurrency, progress));
    return executor.run(prompts.iterator(), prompts.size());
  }

  /**
   * The samples of a prompt when at least one can be used; when none can, the reply is unusable: the prompt's
   * record fails with the drop reasons and a rerun asks again. (Some unusable samples beside a usable one are
   * kept with their reason, for the filter to count.)
   */
  private static List<Sample> usable(List<Sample> samples) {
    if (samples.stream().anyMatch(Sample::ok)) {
      return samples;
    }
    Map<String, Integer> reasons = new TreeMap<>();
    samples.forEach(x -> reasons.merge(x.drop().wireName(), 1, Integer::sum));
    Sample first = samples.get(0);
    String reply = first.answer() == null || first.answer().isBlank() ? first.reasoning() : first.answer();
    throw new UnusableReply("no usable sample of " + samples.size() + " " + reasons + "; first reply: '"
        + ModelFailures.oneLine(reply == null ? "" : reply, 120) + "'");
  }

  /** Every sample in a generate output (dropped ones included), in file order. */
  public static List<Sample> samples(Path completions) {
    List<Sample> samples = new ArrayList<>();
    for (JsonNode line : doneLines(completions)) {
      for (JsonNode s : line.path("samples")) {
        samples.add(JsonlReader.bind(s, Sample.class));
      }
    }
    return samples;
  }

  // ---- judge ----

  private record Pair(Prompt prompt, Sample sample) {}

  /**
   * Judges every usable sample K times; one output line per sample (its id is the sample id). A sample with a
   * verdict that failed (no valid verdict after the judge's attempts) is a failed record with the reasons: a rerun
   * judges it again and the filter drops it as {@code judge_failed}. {@code options} are the model judge's
   * options (part of what made a record).
   */
  public static StageExecutor.Summary judge(Path prompts, Path completions, Path out, SampleJudge judge,
      SpecJudge.Options options, int concurrency, PrintWriter progress) {
    Map<String, Prompt> byId = byId(prompts);
    List<Pair> pairs = new ArrayList<>();
    for (Sample s : samples(completions)) {
      if (s.ok() && byId.containsKey(s.promptId())) {
        pairs.add(new Pair(byId.get(s.promptId()), s));
      }
    }
    String settings = String.join("\u0000", judge.judgeId(), options.toString(), SpecJudge.templateHash());
    StageExecutor<Pair> executor = new StageExecutor<>(out, p -> p.sample().id(),
        p -> recordKey(settings + judge.recordId(p.sample()), p.prompt(), p.sample()),
        p -> verdicts(judge.judge(p.prompt(), p.sample())), StageExecutor.Options.of("judge", concurrency, progress));
    return executor.run(pairs.iterator(), pairs.size());
  }

  private static SampleJudgments verdicts(SampleJudgments j) {
    if (j.failures() == 0) {
      return j;
    }
    Map<String, Integer> reasons = new TreeMap<>();
    j.judgments().stream().filter(v -> !v.ok()).forEach(v -> reasons.merge(v.failure(), 1, Integer::sum));
    throw new UnusableReply(j.failures() + " of " + j.judgments().size() + " verdicts failed: "
        + reasons.entrySet().stream().map(e -> e.getKey() + (e.getValue() > 1 ? " (x" + e.getValue() + ")" : ""))
            .collect(java.util.stream.Collectors.joining("; ")));
  }

  /** The reason of the first failed record of an executor output, or "(none)". */
  static String firstError(Path file) {
    if (Files.exists(file)) {
      for (JsonNode line : lastLines(file)) {
        if ("failed".equals(line.path("status").asText())) {
          return line.path("error").asText();
        }
      }
    }
    return "(none)";
  }

  /** The ids of the records of an executor output that failed in its last run. */
  static Set<String> failedIds(Path file) {
    Set<String> failed = new HashSet<>();
    if (!Files.exists(file)) {
      return failed;
    }
    for (JsonNode line : lastLines(file)) {
      if ("failed".equals(line.path("status").asText())) {
        failed.add(line.get("id").asText());
      }
    }
    return failed;
  }

  /** The judgments of a judge output, by sample id. */
  public static Map<String, SampleJudgments> judgments(Path judgments) {
    Map<String, SampleJudgments> out = new LinkedHashMap<>();
    if (!Files.exists(judgments)) {
      return out;
    }
    for (JsonNode line : doneLines(judgments)) {
      SampleJudgments j = JsonlReader.bind(line, SampleJudgments.class);
      out.put(j.sampleId(), j);
    }
    return out;
  }

  // ---- filter and export ----

  /** Filters, writes the spec-free examples ({@code sft.jsonl}, our format) and the summary; returns the summary. */
  public static FilterSummary filter(Path prompts, Path completions, Path judgments, Path out, Path summaryOut,
      Filter filter) {
    Filter.Result result = filter.apply(byId(prompts), samples(completions), judgments(judgments),
        failedIds(judgments));
    JsonlWriter.writeAll(out, result.examples());
    try {
      AtomicFiles.writeString(summaryOut,
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.summary()) + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return result.summary();
  }

  /** Writes each format's file into {@code dir}, every line validated first; returns lines per file. */
  public static Map<Path, Long> export(Path sft, Path dir, List<ExportFormat> formats, Exporter.Reasoning hfReasoning,
      SpecTextCheck specText) {
    List<SftExample> examples = new ArrayList<>();
    try (JsonlReader<SftExample> reader = JsonlReader.open(sft, SftExample.class, false)) {
      reader.forEach(examples::add);
    }
    Map<Path, Long> written = new LinkedHashMap<>();
    for (ExportFormat format : formats) {
      Exporter exporter = new Exporter(format, hfReasoning, specText);
      List<Object> lines = new ArrayList<>(exporter.convertAll(examples));
      Path file = dir.resolve(format.fileName());
      written.put(file, JsonlWriter.writeAll(file, lines));
    }
    return written;
  }

  // ---- helpers ----

  static Map<String, Prompt> byId(Path prompts) {
    Map<String, Prompt> byId = new LinkedHashMap<>();
    for (Prompt p : Prompts.readAll(prompts)) {
      byId.put(p.id(), p);
    }
    return byId;
  }

  /** The lines of an executor output whose status is done (the last line of an id is its record). */
  static List<JsonNode> doneLines(Path file) {
    return lastLines(file).stream().filter(n -> "done".equals(n.path("status").asText())).toList();
  }

  private static List<JsonNode> lastLines(Path file) {
    Map<String, JsonNode> last = new LinkedHashMap<>();
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file, false)) {
      for (Iterator<JsonNode> it = reader.iterator(); it.hasNext(); ) {
        JsonNode node = it.next();
        String id = node.path("id").asText();
        last.remove(id);
        last.put(id, node);
      }
    }
    return new ArrayList<>(last.values());
  }
}
