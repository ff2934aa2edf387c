package dev.deliberate.report;

import dev.deliberate.io.Json;
import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.eval.Estimate;
import dev.deliberate.eval.Metrics;
import dev.deliberate.eval.GradedAnswer;
import dev.deliberate.judge.RefusalClass;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report as one self-contained HTML page: no external file, font or script, so it opens offline and can be
 * mailed. Charts are SVG drawn here; the sample browser is a small script over JSON embedded in the page. Every
 * model-written string is escaped here or set as text by the script, never parsed as HTML.
 */
public final class HtmlReport {
  /**
   * Shown above every report and every printed comparison: the benchmarks are harmful requests, and a real model's
   * answers to them are recorded as they are (evaluation data, never training data).
   */
  public static final String CONTENT_WARNING = "the samples below include harmful requests from the benchmarks and"
      + " each evaluated model's own answers to them, recorded as evaluation data.";

  /** Long texts are cut in the sample browser to keep the page light; grades.jsonl keeps them whole. */
  static final int MAX_TEXT = 6000;

  private HtmlReport() {}

  public static String render(List<EvalResult> results, SpecText spec) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>deliberate \u2014 safety evaluation</title>\n<style>\n")
        .append(resource("report.css")).append("</style>\n</head>\n<body>\n");
    h.append("<header><h1>Safety evaluation</h1><p class=\"sub\">")
        .append(results.size()).append(results.size() == 1 ? " model" : " models")
        .append(" \u00b7 values are shares or means with 95% bootstrap intervals and the number of units</p>"
        + "<p class=\"sub\"><strong>Content warning:</strong> " + CONTENT_WARNING + "</p></header>\n");
    h.append("<nav><a href=\"#headline\">Headline</a> <a href=\"#tradeoff\">Over-refusal vs robustness</a>"
        + " <a href=\"#categories\">By category</a> <a href=\"#attacks\">By attack</a>")
        .append(hasLanguages(results) ? " <a href=\"#languages\">By language</a>" : "")
        .append(" <a href=\"#xstest\">XSTest classes</a>"
        + " <a href=\"#samples\">Samples</a> <a href=\"#definitions\">Definitions</a>")
        .append(spec.sections().isEmpty() ? "" : " <a href=\"#spec\">Spec</a>").append("</nav>\n<main>\n");
    headline(h, results);
    tradeoff(h, results);
    breakdown(h, results, "categories", "StrongREJECT by category", "strongreject_by_category",
        List.of("goodness@0.1", "not_unsafe", "mean_harm"));
    breakdown(h, results, "attacks", "StrongREJECT by attack", "strongreject_by_attack",
        List.of("not_unsafe", "mean_harm"));
    attackCosts(h, results);
    if (hasLanguages(results)) {
      breakdown(h, results, "languages", "By language (the same prompts translated, answers translated back)",
          "by_language", List.of("goodness@0.1", "not_unsafe", "not_overrefuse"));
    }
    xstest(h, results);
    samples(h, results, spec);
    definitions(h, results);
    specSection(h, spec);
    h.append("</main>\n<script id=\"samples-data\" type=\"application/json\">")
        .append(Html.scriptJson(Json.line(sampleRows(results)))).append("</script>\n");
    h.append("<script id=\"spec-anchors\" type=\"application/json\">")
        .append(Html.scriptJson(Json.line(spec.sections().keySet()))).append("</script>\n");
    h.append("<script>\n").append(resource("report.js")).append("</script>\n</body>\n</html>\n");
    return h.toString();
  }

  private static boolean hasLanguages(List<EvalResult> results) {
    return results.stream().anyMatch(r -> r.metrics().breakdowns().containsKey("by_language"));
  }

  private static void headline(StringBuilder h, List<EvalResult> results) {
    h.append("<section id=\"headline\"><h2>Headline</h2>\n<div class=\"scroll\"><table class=\"metrics\" id=\"headline-table\">\n<thead><tr><th>model</th>");
    for (String metric : EvalMetrics.HEADLINE) {
      h.append("<th>").append(Html.esc(metric)).append("</th>");
    }
    h.append("<th>grader</th><th>answers</th><th>failures</th></tr></thead>\n<tbody>\n");
    for (EvalResult r : results) {
      h.append("<tr><th scope=\"row\">").append(Html.esc(r.label())).append("</th>");
      for (String metric : EvalMetrics.HEADLINE) {
        h.append(cell(r.metrics().metrics().get(metric)));
      }
      Map<String, Integer> c = r.metrics().counts();
      int failures = c.getOrDefault("answer_failures", 0) + c.getOrDefault("grade_failures", 0);
      h.append("<td>").append(Html.esc(r.metrics().grader())).append("</td><td class=\"num\">")
          .append(c.getOrDefault("answers", 0)).append("</td><td class=\"num").append(failures > 0 ? " warn" : "")
          .append("\">").append(failures).append("</td></tr>\n");
    }
    h.append("</tbody></table></div>\n<p class=\"note\">Higher is better for every metric. Failed answers and failed grades"
        + " are counted, not scored.</p></section>\n");
  }

  private static void tradeoff(StringBuilder h, List<EvalResult> results) {
    h.append("<section id=\"tradeoff\"><h2>Over-refusal vs robustness</h2>\n");
    List<Chart.Point> points = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (EvalResult r : results) {
      Estimate x = r.metrics().metrics().get("not_overrefuse");
      Estimate y = r.metrics().metrics().get("goodness@0.1");
      if (x == null || y == null) {
        missing.add(r.label());
      } else {
        points.add(new Chart.Point(r.label(), x, y));
      }
    }
    h.append("<figure>").append(Chart.scatter(points)).append("<figcaption>Up and to the right is better: robust to"
        + " jailbreaks without refusing benign requests. Whiskers are 95% intervals.");
    if (!missing.isEmpty()) {
      h.append(" Not plotted (lacking XSTest or StrongREJECT results): ").append(Html.esc(String.join(", ", missing))).append('.');
    }
    h.append("</figcaption></figure></section>\n");
  }

  private static void breakdown(StringBuilder h, List<EvalResult> results, String id, String title, String key,
      List<String> metrics) {
    Set<String> groups = new LinkedHashSet<>();
    for (EvalResult r : results) {
      groups.addAll(r.metrics().breakdowns().getOrDefault(key, Map.of()).keySet());
    }
    h.append("<section id=\"").append(id).append("\"><h2>").append(Html.esc(title)).append("</h2>\n");
    if (groups.isEmpty()) {
      h.append("<p class=\"note\">No StrongREJECT results.</p></section>\n");
      return;
    }
    for (String metric : metrics) {
      h.append("<h3>").append(Html.esc(metric)).append(metric.equals("mean_harm") ? " (lower is better)" : "").append("</h3>\n");
      h.append("<table class=\"metrics breakdown\"><thead><tr><th>")
          .append(id.equals("attacks") ? "attack" : id.equals("languages") ? "language" : "category").append("</th>");
      for (EvalResult r : results) {
        h.append("<th>").append(Html.esc(r.label())).append("</th>");
      }
      h.append("</tr></thead><tbody>\n");
      for (String group : groups) {
        h.append("<tr><th scope=\"row\">").append(Html.esc(group)).append("</th>");
        for (EvalResult r : results) {
          Map<String, Estimate> m = r.metrics().breakdowns().getOrDefault(key, Map.of()).get(group);
          h.append(barCell(m == null ? null : m.get(metric), metric.equals("mean_harm")));
        }
        h.append("</tr>\n");
      }
      h.append("</tbody></table>\n");
    }
    h.append("</section>\n");
  }

  /**
   * What the model-driven attacks cost, one row per attack and model: the share the attacker failed to write (the
   * target got the plain request), and the mean rounds and model calls per answer. Left out when no attack had a
   * model write it.
   */
  private static void attackCosts(StringBuilder h, List<EvalResult> results) {
    Set<String> attacks = new LinkedHashSet<>();
    for (EvalResult r : results) {
      r.metrics().breakdowns().getOrDefault("strongreject_by_attack", Map.of()).forEach((attack, m) -> {
        if (m.containsKey("calls")) {
          attacks.add(attack);
        }
      });
    }
    if (attacks.isEmpty()) {
      return;
    }
    h.append("<section id=\"attack-costs\"><h2>Model-driven attacks</h2>\n<div class=\"scroll\"><table class=\"metrics\">"
        + "<thead><tr><th>attack</th><th>model</th><th>attack_failed</th><th>rounds</th><th>calls</th><th>not_unsafe</th>"
        + "</tr></thead><tbody>\n");
    for (String attack : attacks) {
      for (EvalResult r : results) {
        Map<String, Estimate> m = r.metrics().breakdowns().getOrDefault("strongreject_by_attack", Map.of()).get(attack);
        if (m == null) {
          continue;
        }
        h.append("<tr><th scope=\"row\">").append(Html.esc(attack)).append("</th><td>").append(Html.esc(r.label()))
            .append("</td>").append(cell(m.get("attack_failed"))).append(cell(m.get("rounds")))
            .append(cell(m.get("calls"))).append(cell(m.get("not_unsafe"))).append("</tr>\n");
      }
    }
    h.append("</tbody></table></div>\n<p class=\"note\">attack_failed: the attacker refused or wrote nothing usable, so"
        + " the target was asked the plain request. rounds and calls are means per answer (attacker, target, judge and"
        + " back-translation calls).</p></section>\n");
  }

  private static void xstest(StringBuilder h, List<EvalResult> results) {
    h.append("<section id=\"xstest\"><h2>XSTest classes</h2>\n<table class=\"metrics\"><thead><tr><th>model</th>");
    List<String> columns = new ArrayList<>();
    for (RefusalClass c : RefusalClass.values()) {
      columns.add("xstest_safe_" + c.wireName());
    }
    columns.add("xstest_unsafe_partial_refusal");
    for (String c : columns) {
      h.append("<th>").append(Html.esc(c.replace("xstest_", "").replace('_', ' '))).append("</th>");
    }
    h.append("</tr></thead><tbody>\n");
    for (EvalResult r : results) {
      h.append("<tr><th scope=\"row\">").append(Html.esc(r.label())).append("</th>");
      for (String c : columns) {
        h.append(cell(r.metrics().metrics().get(c)));
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table>\n<p class=\"note\">").append(Html.esc(Metrics.PARTIAL_REFUSAL_RULE)).append("</p>\n");
    h.append("<h3>Style adherence by required style</h3>\n<table class=\"metrics\"><thead><tr><th>style</th>");
    for (EvalResult r : results) {
      h.append("<th>").append(Html.esc(r.label())).append("</th>");
    }
    h.append("</tr></thead><tbody>\n");
    Set<String> styles = new LinkedHashSet<>();
    results.forEach(r -> styles.addAll(r.metrics().breakdowns().getOrDefault("style_by_expected", Map.of()).keySet()));
    for (String style : styles) {
      h.append("<tr><th scope=\"row\">").append(Html.esc(style)).append("</th>");
      for (EvalResult r : results) {
        Map<String, Estimate> m = r.metrics().breakdowns().getOrDefault("style_by_expected", Map.of()).get(style);
        h.append(barCell(m == null ? null : m.get("style_adherence"), false));
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table></section>\n");
  }

  private static void samples(StringBuilder h, List<EvalResult> results, SpecText spec) {
    h.append("<section id=\"samples\"><h2>Samples</h2>\n<div class=\"filters\" id=\"filters\">\n");
    for (String[] f : new String[][] {{"model", "model"}, {"suite", "suite"}, {"category", "category"},
        {"attack", "attack"}, {"verdict", "verdict"}}) {
      h.append("<label>").append(f[1]).append(" <select data-field=\"").append(f[0]).append("\" id=\"filter-")
          .append(f[0]).append("\"><option value=\"\">all</option></select></label>\n");
    }
    h.append("<span class=\"outcome\" role=\"group\" aria-label=\"outcome\">")
        .append("<button type=\"button\" data-outcome=\"\" class=\"on\" id=\"outcome-all\">all</button>")
        .append("<button type=\"button\" data-outcome=\"pass\" id=\"outcome-pass\">passed</button>")
        .append("<button type=\"button\" data-outcome=\"fail\" id=\"outcome-fail\">failed</button></span>\n");
    h.append("</div>\n<p id=\"sample-count\" class=\"note\"></p>\n<div id=\"sample-list\"></div>\n")
        .append("<button type=\"button\" id=\"more\" hidden>show more</button>\n");
    if (spec.sections().isEmpty()) {
      h.append("<p class=\"note\">No spec was given, so citations are highlighted but not linked.</p>\n");
    }
    h.append("<noscript><p>The sample browser needs JavaScript; grades.jsonl holds the same records.</p></noscript></section>\n");
  }

  private static void definitions(StringBuilder h, List<EvalResult> results) {
    h.append("<section id=\"definitions\"><h2>Definitions</h2>\n<dl>\n");
    EvalMetrics.standardDefinitions().forEach((k, v) ->
        h.append("<dt>").append(Html.esc(k)).append("</dt><dd>").append(Html.esc(v)).append("</dd>\n"));
    h.append("</dl>\n<h3>Sources</h3>\n<ul>\n");
    for (EvalResult r : results) {
      h.append("<li>").append(Html.esc(r.label())).append(": ").append(Html.esc(r.dir().toString()))
          .append(" \u2014 grader ").append(Html.esc(r.metrics().grader())).append(", seed ")
          .append(r.metrics().seed()).append(", counts ").append(Html.esc(r.metrics().counts().toString())).append("</li>\n");
    }
    h.append("</ul></section>\n");
  }

  private static void specSection(StringBuilder h, SpecText spec) {
    if (spec.sections().isEmpty()) {
      return;
    }
    h.append("<section id=\"spec\"><h2>Spec").append(spec.name() == null ? "" : ": " + Html.esc(spec.name()))
        .append("</h2>\n");
    for (SpecText.Section s : spec.sections().values()) {
      h.append("<div class=\"spec-section level").append(s.level()).append("\" id=\"spec-").append(Html.esc(s.anchor()))
          .append("\"><h3>").append(Html.esc(s.title())).append(" <code>#").append(Html.esc(s.anchor()))
          .append("</code></h3>");
      if (!s.text().isEmpty()) {
        h.append("<pre>").append(Html.esc(s.text())).append("</pre>");
      }
      h.append("</div>\n");
    }
    h.append("</section>\n");
  }

  private static String cell(Estimate e) {
    if (e == null) {
      return "<td class=\"na\">\u2013</td>";
    }
    return String.format(Locale.ROOT, "<td class=\"num\"><b>%.2f</b> <span class=\"ci\">[%.2f, %.2f]</span>"
        + " <span class=\"n\">n=%d</span></td>", e.value(), e.low(), e.high(), e.n());
  }

  private static String barCell(Estimate e, boolean lowerIsBetter) {
    if (e == null) {
      return "<td class=\"na\">\u2013</td>";
    }
    return String.format(Locale.ROOT, "<td class=\"num bar-cell\"><div class=\"bar%s\" style=\"width:%.1f%%\"></div>"
            + "<span><b>%.2f</b> <span class=\"ci\">[%.2f, %.2f]</span> <span class=\"n\">n=%d</span></span></td>",
        lowerIsBetter ? " harm" : "", 100 * e.value(), e.value(), e.low(), e.high(), e.n());
  }

  /** The sample browser's rows: short keys, texts cut at {@link #MAX_TEXT}. */
  static List<Map<String, Object>> sampleRows(List<EvalResult> results) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (EvalResult r : results) {
      for (GradedAnswer s : r.samples()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", r.label());
        row.put("suite", s.suite());
        row.put("category", s.category() == null ? "(none)" : s.category());
        row.put("attack", s.attackName());
        row.put("verdict", s.grade().ok() ? String.valueOf(s.grade().verdict()) : "grade failed");
        Boolean passed = s.passed();
        row.put("outcome", passed == null ? "" : passed ? "pass" : "fail");
        row.put("expected", s.expected() == null ? null : s.expected().wireName());
        row.put("prompt", cut(s.prompt()));
        row.put("request", s.request() != null && !s.request().equals(s.prompt()) ? cut(s.request()) : null);
        row.put("cot", cut(s.reasoning()));
        row.put("answer", cut(s.answer()));
        row.put("grader", s.grade().grader());
        Map<String, Object> scores = new LinkedHashMap<>();
        if (s.grade().refused() != null) {
          scores.put("refused", s.grade().refused());
          scores.put("convincing", s.grade().convincing());
          scores.put("specific", s.grade().specific());
        }
        if (s.harm() != null) {
          scores.put("harm", s.harm());
        }
        if (s.style() != null) {
          scores.put("style", s.style().wireName() + (Boolean.TRUE.equals(s.styleOk()) ? " (fits)" : " (does not fit)"));
        }
        if (s.citesCategory() != null) {
          scores.put("cites category", s.citesCategory());
        }
        row.put("scores", scores);
        row.put("rationale", cut(s.grade().ok() ? s.grade().rationale() : s.grade().failure()));
        rows.add(row);
      }
    }
    return rows;
  }

  private static String cut(String text) {
    if (text == null || text.length() <= MAX_TEXT) {
      return text;
    }
    return text.substring(0, MAX_TEXT) + " \u2026 [cut; the whole text is in grades.jsonl]";
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
