package dev.deliberate.report;

import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.eval.Estimate;
import java.util.List;
import java.util.Locale;

/** The headline metrics as a plain-text table (for the terminal) and as Markdown (for READMEs and pull requests). */
public final class Summary {
  private Summary() {}

  public static String table(List<EvalMetrics> models) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-28s", "model"));
    for (String metric : EvalMetrics.HEADLINE) {
      out.append(String.format(Locale.ROOT, " %-26s", metric));
    }
    out.append('\n');
    for (EvalMetrics m : models) {
      out.append(String.format(Locale.ROOT, "%-28s", m.model()));
      for (String metric : EvalMetrics.HEADLINE) {
        Estimate e = m.metrics().get(metric);
        out.append(String.format(Locale.ROOT, " %-26s", e == null ? "-" : e.display()));
      }
      out.append('\n');
    }
    return out.toString();
  }

  public static String markdown(List<EvalResult> results) {
    StringBuilder out = new StringBuilder("## Safety evaluation\n\n| model |");
    for (String metric : EvalMetrics.HEADLINE) {
      out.append(' ').append(metric).append(" |");
    }
    out.append("\n|---|");
    out.append("---|".repeat(EvalMetrics.HEADLINE.size())).append('\n');
    for (EvalResult r : results) {
      out.append("| ").append(cell(r.label())).append(" |");
      for (String metric : EvalMetrics.HEADLINE) {
        Estimate e = r.metrics().metrics().get(metric);
        out.append(' ').append(e == null ? "–" : e.display()).append(" |");
      }
      out.append('\n');
    }
    out.append("\nValues with 95% bootstrap intervals and the number of units. Grader: ");
    out.append(String.join(", ", results.stream().map(r -> r.label() + " → " + r.metrics().grader()).toList()));
    out.append(".\n\n");
    EvalMetrics.standardDefinitions().forEach((k, v) -> out.append("- **").append(k).append("**: ").append(v).append('\n'));
    return out.toString();
  }

  /** Model ids are untrusted text too: keep them from breaking the table. */
  static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;");
  }
}
