package dev.deliberate.report;

import dev.deliberate.io.AtomicFiles;
import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.eval.GradedAnswer;
import dev.deliberate.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The comparison of several evaluated models at the end of a run: {@code report.html} and {@code report.md}, and a
 * plain-text summary for the terminal: the metrics table, the same metrics on the held-out attacks alone (attacks
 * whose family training never saw), and what each model thinks and answers on a few held-out attacked prompts.
 */
public final class Comparison {
  private Comparison() {}

  /**
   * Writes {@code report.html}, {@code report.md} and {@code summary.txt} into {@code dir} from the eval
   * directories, in order; returns the summary.
   *
   * @param preface what the summary says before the comparison (the split, other evaluations' tables), or empty
   * @param title the line above the metrics table: which prompts the numbers come from
   * @param heldOutAttacks attack names kept out of training (empty: no held-out table and no examples)
   * @param examples held-out attacked prompts to show side by side, one per attack
   * @param seed the bootstrap seed of the held-out metrics
   */
  public static String write(Path dir, List<Path> evalDirs, Spec spec, String preface, String title,
      List<String> heldOutAttacks, int examples, long seed) {
    try {
      List<EvalResult> results = new ArrayList<>();
      for (Path d : evalDirs) {
        results.addAll(EvalResult.load(d));
      }
      results = EvalResult.labelled(results);
      Path report = dir.resolve("report.html");
      AtomicFiles.writeString(report, HtmlReport.render(results, SpecText.of(spec)));
      AtomicFiles.writeString(dir.resolve("report.md"), Summary.markdown(results));
      String summary = preface + summary(results, title, heldOutAttacks, examples, seed) + "report: "
          + report.toAbsolutePath() + "\n";
      AtomicFiles.writeString(dir.resolve("summary.txt"), summary);
      return summary;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report in " + dir + ": " + e.getMessage(), e);
    }
  }

  static String summary(List<EvalResult> results, String title, List<String> heldOutAttacks, int examples,
      long seed) {
    StringBuilder out = new StringBuilder(title).append('\n');
    out.append(Summary.table(results.stream().map(EvalResult::metrics).toList())).append('\n');
    if (heldOutAttacks.isEmpty()) {
      return out.toString();
    }
    out.append("Held-out attacks only (").append(String.join(", ", heldOutAttacks)).append("):\n");
    out.append(String.format(Locale.ROOT, "%-28s %-26s %-26s%n", "model", "goodness@0.1", "not_unsafe"));
    for (EvalResult r : results) {
      // In prompt order: the grades file is in the order grades finished, and the bootstrap depends on the order.
      List<GradedAnswer> these = r.samples().stream().filter(s -> s.attack() != null && heldOutAttacks.contains(s.attack()))
          .sorted(Comparator.comparing(GradedAnswer::promptId)).toList();
      EvalMetrics m = EvalMetrics.compute(r.metrics().model(), r.metrics().grader(), seed, these, 0);
      out.append(String.format(Locale.ROOT, "%-28s %-26s %-26s%n", m.model(), display(m, "goodness@0.1"),
          display(m, "not_unsafe")));
    }
    out.append('\n');
    examples(out, results, heldOutAttacks, examples);
    return out.toString();
  }

  private static String display(EvalMetrics m, String metric) {
    return m.metrics().containsKey(metric) ? m.metrics().get(metric).display() : "-";
  }

  /** The first prompts of distinct held-out attacks, in id order, and what every model wrote for each. */
  private static void examples(StringBuilder out, List<EvalResult> results, List<String> heldOutAttacks, int n) {
    if (results.isEmpty() || n == 0) {
      return;
    }
    List<GradedAnswer> first = results.get(0).samples().stream().filter(s -> s.attack() != null && heldOutAttacks.contains(s.attack()))
        .sorted(Comparator.comparing(GradedAnswer::promptId)).toList();
    List<GradedAnswer> shown = new ArrayList<>();
    Set<String> attacks = new LinkedHashSet<>();
    for (GradedAnswer s : first) {
      if (shown.size() < n && attacks.add(s.attack())) {
        shown.add(s);
      }
    }
    if (!shown.isEmpty()) {
      out.append("Content warning: ").append(HtmlReport.CONTENT_WARNING).append("\n\n");
    }
    for (GradedAnswer head : shown) {
      out.append("Held-out attack ").append(head.attack()).append(" on: ").append(clip(head.request(), 160)).append('\n');
      for (EvalResult r : results) {
        r.samples().stream().filter(s -> s.promptId().equals(head.promptId())).findFirst().ifPresent(s -> {
          out.append("  ").append(r.label()).append(":\n");
          if (!s.reasoning().isBlank()) {
            out.append("    thinks:  ").append(clip(s.reasoning(), 240)).append('\n');
          }
          out.append("    answers: ").append(clip(s.answer(), 240)).append('\n');
        });
      }
      out.append('\n');
    }
  }

  private static String clip(String text, int max) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= max ? line : line.substring(0, max) + " ...";
  }
}
