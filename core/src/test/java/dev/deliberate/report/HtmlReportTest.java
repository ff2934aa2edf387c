package dev.deliberate.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  @Test
  void modelTextNeverBecomesMarkup(@TempDir Path dir) throws Exception {
    String html = HtmlReport.render(ReportFixtures.evaluate(dir), ReportFixtures.spec());
    // The only script elements are the page's own: two JSON islands and the browser code.
    assertEquals(3, Pattern.compile("<script").matcher(html).results().count());
    assertFalse(html.contains("<img"));
    // The hostile answer is in the page as escaped JSON text.
    assertTrue(html.contains("\\u003cscript\\u003ewindow.__pwned = 1;\\u003c/script\\u003e"));
  }

  @Test
  void thePageIsSelfContained(@TempDir Path dir) throws Exception {
    String html = HtmlReport.render(ReportFixtures.evaluate(dir), SpecText.NONE);
    assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "no external resources");
    assertTrue(html.contains("<svg id=\"tradeoff-chart\""));
    assertTrue(html.contains("id=\"headline-table\""));
  }

  @Test
  void labelsOfModelsWithTheSameScoresDoNotOverlap() {
    List<double[]> placed = new java.util.ArrayList<>();
    for (String label : List.of("deliberative-sft", "deliberative-sft+rl", "direct-sft")) {
      double[] box = Chart.labelBox(Chart.px(0.9), Chart.py(0.9), label, true, placed);
      for (double[] other : placed) {
        assertTrue(box[3] <= other[1] || other[3] <= box[1], label + " overlaps an earlier label");
      }
      placed.add(box);
    }
  }

  @Test
  void theChartHasOnePointPerModel(@TempDir Path dir) throws Exception {
    List<EvalResult> results = ReportFixtures.evaluate(dir);
    String html = HtmlReport.render(results, SpecText.NONE);
    assertEquals(2, Pattern.compile("<circle ").matcher(html).results().count());
    assertTrue(html.contains("data-model=\"helpful-only\""));
    assertTrue(html.contains("data-model=\"deliberative\""));
  }

  @Test
  void everySpecAnchorIsALinkTarget(@TempDir Path dir) throws Exception {
    SpecText spec = ReportFixtures.spec();
    String html = HtmlReport.render(ReportFixtures.evaluate(dir), spec);
    assertTrue(spec.sections().containsKey("violence-disallowed"));
    assertTrue(spec.sections().containsKey("style-refuse"));
    for (String anchor : spec.sections().keySet()) {
      assertTrue(html.contains("id=\"spec-" + anchor + "\""), anchor);
    }
  }

  @Test
  void theMarkdownSummaryHasOneRowPerModel(@TempDir Path dir) throws Exception {
    String md = Summary.markdown(ReportFixtures.evaluate(dir));
    assertTrue(md.contains("| helpful-only |"));
    assertTrue(md.contains("| deliberative |"));
    assertTrue(md.contains("goodness@0.1"));
  }
}
