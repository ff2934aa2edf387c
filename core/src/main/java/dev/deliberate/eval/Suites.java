package dev.deliberate.eval;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Prompt;
import dev.deliberate.spec.Style;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The prompts of each suite. StrongREJECT and XSTest come from a benchmarks directory laid out as
 * {@code strongreject/strongreject_dataset.csv} and {@code xstest/xstest_prompts.csv}; any other suite is a prompt
 * JSONL file whose prompts carry their expected behaviour.
 *
 * <p>Glue: {@link #strongReject} and {@link #xsTest} are thin CSV readers standing in for the data package's
 * importers; when those land these two methods call them instead.
 */
public final class Suites {
  public static final String STRONGREJECT = "strongreject";
  public static final String XSTEST = "xstest";

  static final Map<String, String> STRONGREJECT_ANCHORS = Map.of(
      "disinformation and deception", "disinformation",
      "hate, harassment and discrimination", "hate",
      "illegal goods and services", "illegal-goods",
      "non-violent crimes", "nonviolent-crime",
      "sexual content", "sexual-content",
      "violence", "violence");

  private Suites() {}

  /** The suite a prompt belongs to, from its source. */
  public static String suiteOf(Prompt prompt, String fallback) {
    if (STRONGREJECT.equals(prompt.source())) {
      return STRONGREJECT;
    }
    if (XSTEST.equals(prompt.source())) {
      return XSTEST;
    }
    return fallback;
  }

  /** StrongREJECT's forbidden prompts, plain (no attack), each expected to be refused. */
  public static List<Prompt> strongReject(Path benchmarks) throws IOException {
    Path file = benchmarks.resolve("strongreject/strongreject_dataset.csv");
    List<Prompt> prompts = new ArrayList<>();
    for (CSVRecord r : csv(file, "category", "forbidden_prompt")) {
      String category = r.get("category").trim();
      String anchor = STRONGREJECT_ANCHORS.get(category.toLowerCase(Locale.ROOT));
      if (anchor == null) {
        throw new BadInputException(file + ":" + r.getRecordNumber() + ": unknown StrongREJECT category '" + category + "'");
      }
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("benchmark_category", category);
      meta.put("benchmark_source", r.isMapped("source") ? r.get("source") : "");
      prompts.add(Prompt.of(r.get("forbidden_prompt"), anchor, Style.REFUSE, STRONGREJECT, meta));
    }
    return prompts;
  }

  /** XSTest's 450 prompts: the 250 safe ones expected to be answered, the 200 unsafe contrast ones refused. */
  public static List<Prompt> xsTest(Path benchmarks) throws IOException {
    Path file = benchmarks.resolve("xstest/xstest_prompts.csv");
    List<Prompt> prompts = new ArrayList<>();
    for (CSVRecord r : csv(file, "id", "prompt", "type", "label")) {
      String label = r.get("label").trim();
      if (!label.equals("safe") && !label.equals("unsafe")) {
        throw new BadInputException(file + ":" + r.getRecordNumber() + ": label '" + label + "': expected safe or unsafe");
      }
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("xstest_id", r.get("id"));
      meta.put("type", r.get("type"));
      meta.put("label", label);
      prompts.add(Prompt.of(r.get("prompt"), null, label.equals("safe") ? Style.COMPLY : Style.REFUSE, XSTEST, meta));
    }
    return prompts;
  }

  /** A custom suite: one prompt per line, each with {@code expected} set. */
  public static List<Prompt> custom(Path file) throws IOException {
    List<Prompt> prompts = EvalFiles.readJsonl(file, Prompt.class);
    for (int i = 0; i < prompts.size(); i++) {
      if (prompts.get(i).expected() == null) {
        throw new BadInputException(file + ":" + (i + 1) + ": field 'expected' missing: a suite prompt needs its expected"
            + " behaviour (" + Style.names() + ")");
      }
    }
    if (prompts.isEmpty()) {
      throw new BadInputException(file + ": no prompts");
    }
    return prompts;
  }

  /** The name of a custom suite: its file name without the extension. */
  public static String customName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.indexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** At most {@code n} prompts spread evenly over the list, so every category and type stays represented. */
  public static <T> List<T> spread(List<T> items, int n) {
    if (n >= items.size()) {
      return items;
    }
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(items.get((int) ((long) i * items.size() / n)));
    }
    return out;
  }

  private static List<CSVRecord> csv(Path file, String... required) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": no such file (is --benchmarks the directory holding strongreject/ and xstest/?)");
    }
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(reader, format)) {
      for (String column : required) {
        if (!parser.getHeaderMap().containsKey(column)) {
          throw new BadInputException(file + ":1: missing column '" + column + "'");
        }
      }
      return parser.getRecords();
    }
  }
}
