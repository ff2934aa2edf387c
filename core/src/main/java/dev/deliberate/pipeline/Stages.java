package dev.deliberate.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.attack.Attack;
import dev.deliberate.attack.Attacks;
import dev.deliberate.data.AtomicFiles;
import dev.deliberate.data.Json;
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
import dev.deliberate.run.StageExecutor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stages as plain functions from files to files, shared by {@code deliberate run} and the stage commands. The
 * stages that call models (classify, generate, judge) go through the run machinery's {@link StageExecutor}: one
 * output line per input record, appended as it finishes, done records skipped on a rerun and failed ones tried
 * again. The others are cheap and deterministic and rewrite their output atomically.
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

  /** Writes each prompt (when {@code keepOriginal}) and its attacked variants; returns the number written. */
  public static long attack(Path in, Path out, List<String> attackNames, boolean keepOriginal) {
    List<Attack> attacks = Attacks.parse(String.join(",", attackNames));
    List<Prompt> prompts = Prompts.readAll(in);
    return JsonlWriter.writeAll(out, Attacks.apply(attacks, prompts, keepOriginal));
  }

  /** Counts of a split. */
  public record SplitCounts(int train, int eval, int dropped) {}

  /** Splits by request and held-out attacks (see {@link Splits}); writes train, eval and the dropped records. */
  public static SplitCounts split(Path in, Path train, Path eval, Path dropped, long seed, double evalShare,
      List<String> holdout) {
    Splits.Split split = Splits.split(Prompts.readAll(in), seed, evalShare, holdout);
    JsonlWriter.writeAll(train, split.train());
    JsonlWriter.writeAll(eval, split.eval());
    JsonlWriter.writeAll(dropped, split.dropped());
    return new SplitCounts(split.train().size(), split.eval().size(), split.dropped().size());
  }

  // ---- classify ----

  /** One classify output line. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Classified(String category, String classifier) {}

  /**
   * Gives every prompt without a known category one, through the executor (output {@code log}, one line per
   * prompt), then writes {@code out}: the prompts with their category, leaving out those no category could be
   * found for (their number is returned in the counts).
   */
  public static ClassifyCounts classify(Path in, Path log, Path out, Classifier classifier, int concurrency,
      PrintWriter progress) {
    List<Prompt> prompts = Prompts.readAll(in);
    StageExecutor<Prompt> executor = new StageExecutor<>(log, Prompt::id,
        p -> new Classified(classifier.classify(p).orElse(null), classifier.id()),
        StageExecutor.Options.of("classify", concurrency, progress));
    StageExecutor.Summary summary = executor.run(prompts.iterator(), prompts.size());
    Map<String, String> categories = new LinkedHashMap<>();
    for (JsonNode line : doneLines(log)) {
      categories.put(line.get("id").asText(), line.path("category").isTextual() ? line.get("category").asText() : null);
    }
    List<Prompt> classified = new ArrayList<>();
    int unclassified = 0;
    int pending = 0;
    for (Prompt p : prompts) {
      if (!categories.containsKey(p.id())) {
        pending++;
      } else if (categories.get(p.id()) == null) {
        unclassified++;
      } else {
        classified.add(p.withCategory(categories.get(p.id())));
      }
    }
    JsonlWriter.writeAll(out, classified);
    return new ClassifyCounts(summary, classified.size(), unclassified, pending);
  }

  public record ClassifyCounts(StageExecutor.Summary summary, int classified, int unclassified, int failed) {}

  // ---- generate ----

  /** One generate output line: the K samples of a prompt. */
  public record Generated(@JsonProperty("prompt_id") String promptId, List<Sample> samples) {}

  public static StageExecutor.Summary generate(Path in, Path out, Generator generator, int concurrency,
      PrintWriter progress) {
    List<Prompt> prompts = Prompts.readAll(in);
    List<Prompt> missing = prompts.stream().filter(p -> p.category() == null).toList();
    if (!missing.isEmpty()) {
      throw new dev.deliberate.BadInputException(in + ": prompt " + missing.get(0).id() + " has no category ("
          + missing.size() + " such prompts): run the classify stage first");
    }
    StageExecutor<Prompt> executor = new StageExecutor<>(out, Prompt::id,
        p -> new Generated(p.id(), generator.generate(p)), StageExecutor.Options.of("generate", concurrency, progress));
    return executor.run(prompts.iterator(), prompts.size());
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

  /** Judges every usable sample K times; one output line per sample (its id is the sample id). */
  public static StageExecutor.Summary judge(Path prompts, Path completions, Path out, SampleJudge judge,
      int concurrency, PrintWriter progress) {
    Map<String, Prompt> byId = byId(prompts);
    List<Pair> pairs = new ArrayList<>();
    for (Sample s : samples(completions)) {
      if (s.ok() && byId.containsKey(s.promptId())) {
        pairs.add(new Pair(byId.get(s.promptId()), s));
      }
    }
    StageExecutor<Pair> executor = new StageExecutor<>(out, p -> p.sample().id(),
        p -> judge.judge(p.prompt(), p.sample()), StageExecutor.Options.of("judge", concurrency, progress));
    return executor.run(pairs.iterator(), pairs.size());
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
    Filter.Result result = filter.apply(byId(prompts), samples(completions), judgments(judgments));
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

  /** The lines of an executor output whose status is done. */
  static List<JsonNode> doneLines(Path file) {
    List<JsonNode> lines = new ArrayList<>();
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file, false)) {
      for (Iterator<JsonNode> it = reader.iterator(); it.hasNext(); ) {
        JsonNode node = it.next();
        if ("done".equals(node.path("status").asText())) {
          lines.add(node);
        }
      }
    }
    return lines;
  }
}
