package dev.deliberate.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real browser: headless Chromium loads it from disk, the headline table and the chart are there,
 * a click on a filter changes the samples shown, model text stays text, and the console stays clean. The
 * screenshots land in {@code target/report-screenshot.png} (top) and {@code target/report-screenshot-samples.png}.
 */
class ReportBrowserTest {
  @Test
  void theReportWorksInChromium(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.available(),
        "skipped: " + HeadlessChromium.BINARY + " not found (apt-get install chromium; .ci/run installs it)");
    Path page = Path.of("target", "browser-test", "report.html").toAbsolutePath();
    AtomicFiles.writeString(page,
        HtmlReport.render(ReportFixtures.evaluate(dir), ReportFixtures.spec()));

    try (HeadlessChromium browser = HeadlessChromium.launch(1280, 1600)) {
      browser.send("Runtime.enable", Map.of());
      browser.send("Log.enable", Map.of());
      browser.send("Page.enable", Map.of());
      browser.send("Page.navigate", Map.of("url", page.toUri().toString()));
      browser.awaitEvent("Page.loadEventFired");

      assertEquals(2, browser.eval("document.querySelectorAll('#headline-table tbody tr').length").asInt());
      assertEquals(2, browser.eval("document.querySelectorAll('#tradeoff-chart circle').length").asInt());
      int all = browser.eval("document.querySelectorAll('#sample-list article').length").asInt();
      assertEquals(14, all, "7 prompts x 2 models");

      browser.click("#outcome-fail");
      JsonNode after = browser.eval("(() => { const a = [...document.querySelectorAll('#sample-list article')];"
          + " return {n: a.length, allFailed: a.every(e => e.classList.contains('fail')),"
          + " on: document.querySelector('#outcome-fail').classList.contains('on')}; })()");
      assertTrue(after.get("on").asBoolean(), "the clicked filter is shown as active");
      assertTrue(after.get("allFailed").asBoolean());
      // helpful-only fails its 4 StrongREJECT answers and the unsafe XSTest prompt; deliberative fails nothing.
      assertEquals(5, after.get("n").asInt());

      assertTrue(browser.eval("window.__pwned === undefined").asBoolean(), "model text must not run");
      assertTrue(browser.eval("[...document.querySelectorAll('#sample-list .text')]"
          + ".some(e => e.textContent.includes('<script>window.__pwned'))").asBoolean(), "it is shown as text");

      // The passing answers include the deliberative model's, whose chains of thought cite the spec.
      browser.click("#outcome-pass");
      browser.eval("document.querySelector('#samples').scrollIntoView()");
      browser.screenshot(Path.of("target", "report-screenshot-samples.png"));

      browser.click("#outcome-all");
      assertTrue(browser.eval("document.querySelector('a.cite[href=\"#spec-violence-disallowed\"]') !== null").asBoolean(),
          "a citation links to the embedded spec section");
      assertTrue(browser.eval("document.querySelector('mark.cite.unknown') !== null").asBoolean(),
          "an anchor the spec lacks is marked, not linked");

      browser.eval("window.scrollTo(0, 0)");
      browser.screenshot(Path.of("target", "report-screenshot.png"));
      assertEquals(List.of(), browser.errors());
    }
  }
}
