package dev.deliberate.eval;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.PromptImporter;
import dev.deliberate.data.Prompts;
import dev.deliberate.data.StrongRejectImporter;
import dev.deliberate.data.XsTestImporter;
import dev.deliberate.spec.Style;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompts of each suite. StrongREJECT and XSTest come from a benchmarks directory laid out as
 * {@code strongreject/strongreject_dataset.csv} and {@code xstest/xstest_prompts.csv}, read by the data package's
 * importers; any other suite is a prompt JSONL file whose prompts carry their expected behaviour.
 */
public final class Suites {
  public static final String STRONGREJECT = StrongRejectImporter.SOURCE;
  public static final String XSTEST = XsTestImporter.SOURCE;

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
  public static List<Prompt> strongReject(Path benchmarks) {
    return read(new StrongRejectImporter(), benchmarks.resolve("strongreject/strongreject_dataset.csv"));
  }

  /** XSTest's 450 prompts: the 250 safe ones expected to be answered, the 200 unsafe contrast ones refused. */
  public static List<Prompt> xsTest(Path benchmarks) {
    return read(new XsTestImporter(), benchmarks.resolve("xstest/xstest_prompts.csv"));
  }

  /** A custom suite: one prompt per line, each with {@code expected} set. */
  public static List<Prompt> custom(Path file) {
    List<Prompt> prompts = Prompts.readAll(file);
    for (int i = 0; i < prompts.size(); i++) {
      if (prompts.get(i).expected() == null) {
        throw new BadInputException(file + ": prompt " + (i + 1) + " (" + prompts.get(i).id() + "): field 'expected'"
            + " missing: a suite prompt needs its expected behaviour (" + Style.names() + ")");
      }
    }
    if (prompts.isEmpty()) {
      throw new BadInputException(file + ": no prompts");
    }
    return prompts;
  }

  /**
   * The prompts to evaluate, each in its suite: for every suite name in order, StrongREJECT (each prompt asked
   * plain and under every one of {@code attacks}: template attacks applied here, model-driven ones marked
   * {@link AttackingAnswerer#pending} for the answerer to write), XSTest, or a custom suite, at most
   * {@code limitOf(suite)} prompts per suite spread over it (null: all; StrongREJECT's limit counts requests, before
   * attacks). A custom name is looked up in {@code splits} (e.g. the pipeline's {@code split}: a held-out split, see
   * {@link #heldOut}), else resolved as a prompt JSONL file by {@code files}; {@code field} names the setting in
   * errors. Then, for each of {@code languages} (the multilingual suite), the same StrongREJECT requests (plain)
   * and XSTest prompts marked {@link AttackingAnswerer#inLanguage} to be translated.
   */
  public static List<Evaluation.SuitePrompt> prompts(List<String> suites, dev.deliberate.attack.Attacks.Selection attacks,
      List<String> languages, java.util.function.Function<String, Integer> limitOf, Path benchmarks,
      java.util.Map<String, Path> splits, java.util.function.Function<String, Path> files, String field) {
    List<Evaluation.SuitePrompt> out = new ArrayList<>();
    for (String suite : suites) {
      String name = suite.strip();
      if (name.equals(STRONGREJECT)) {
        for (Prompt plain : limited(strongReject(benchmarks), limitOf.apply(STRONGREJECT))) {
          dev.deliberate.attack.Attacks.expand(plain, attacks.templates(), true)
              .forEach(p -> out.add(new Evaluation.SuitePrompt(STRONGREJECT, p)));
          attacks.modelDriven().forEach(a ->
              out.add(new Evaluation.SuitePrompt(STRONGREJECT, AttackingAnswerer.pending(plain, a))));
        }
      } else if (name.equals(XSTEST)) {
        limited(xsTest(benchmarks), limitOf.apply(XSTEST)).forEach(p -> out.add(new Evaluation.SuitePrompt(XSTEST, p)));
      } else {
        Path file = splits.containsKey(name) ? splits.get(name) : files.apply(name);
        if (!Files.isRegularFile(file)) {
          throw new BadInputException(field + " " + name + ": expected strongreject, xstest or a prompt JSONL file ("
              + file + ": no such file" + (splits.containsKey(name) ? "; did the stage that writes it run?)" : ")"));
        }
        if (splits.containsKey(name)) {
          out.addAll(heldOut(custom(file), name, limitOf));
        } else {
          String suiteName = customName(file);
          limited(custom(file), limitOf.apply(suiteName)).forEach(p -> out.add(new Evaluation.SuitePrompt(suiteName, p)));
        }
      }
    }
    for (String language : languages) {
      if (dev.deliberate.attack.Attacks.translation(language).isEmpty()) {
        throw new BadInputException("unknown language '" + language + "': expected one of "
            + dev.deliberate.attack.Attacks.languageCodes());
      }
      for (Prompt plain : limited(strongReject(benchmarks), limitOf.apply(STRONGREJECT))) {
        out.add(new Evaluation.SuitePrompt(STRONGREJECT, AttackingAnswerer.inLanguage(plain, language)));
      }
      for (Prompt plain : limited(xsTest(benchmarks), limitOf.apply(XSTEST))) {
        out.add(new Evaluation.SuitePrompt(XSTEST, AttackingAnswerer.inLanguage(plain, language)));
      }
    }
    return out;
  }

  /**
   * A held-out split's prompts, each in the suite of its source ({@code fallback} for other sources): StrongREJECT
   * prompts plain and under the attacks the split kept, at most {@code limitOf("strongreject")} requests (spread over
   * them in order, every variant of a chosen request kept); the other suites' prompts plain only, since attacks are
   * StrongREJECT's, at most {@code limitOf(suite)} of them spread over them in id order.
   */
  public static List<Evaluation.SuitePrompt> heldOut(List<Prompt> split, String fallback,
      java.util.function.Function<String, Integer> limitOf) {
    List<Evaluation.SuitePrompt> out = new ArrayList<>();
    List<String> requests = split.stream().filter(p -> STRONGREJECT.equals(p.source())).map(Prompt::request)
        .distinct().sorted().toList();
    java.util.Set<String> chosen = new java.util.HashSet<>(limited(requests, limitOf.apply(STRONGREJECT)));
    split.stream().filter(p -> STRONGREJECT.equals(p.source()) && chosen.contains(p.request()))
        .forEach(p -> out.add(new Evaluation.SuitePrompt(STRONGREJECT, p)));
    java.util.Map<String, List<Prompt>> others = new java.util.LinkedHashMap<>();
    split.stream().filter(p -> !STRONGREJECT.equals(p.source()) && p.attack() == null)
        .sorted(java.util.Comparator.comparing(Prompt::id))
        .forEach(p -> others.computeIfAbsent(suiteOf(p, fallback), k -> new ArrayList<>()).add(p));
    others.forEach((suite, prompts) ->
        limited(prompts, limitOf.apply(suite)).forEach(p -> out.add(new Evaluation.SuitePrompt(suite, p))));
    return out;
  }

  private static <T> List<T> limited(List<T> items, Integer limit) {
    return limit == null ? items : spread(items, limit);
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

  private static List<Prompt> read(PromptImporter importer, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": no such file (is --benchmarks the directory holding strongreject/ and xstest/?)");
    }
    List<Prompt> prompts = new ArrayList<>();
    importer.read(file, false, prompts::add);
    return prompts;
  }
}
