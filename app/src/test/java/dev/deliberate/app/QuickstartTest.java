package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.eval.EvalMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart end to end, reduced ({@code --small}): it builds the tiny base model from scratch into a cache
 * under {@code target/} (so CI measures a clean build), runs every stage, prints the table and writes the report;
 * a rerun skips every finished step, and a second run from scratch with the same seed gives the same numbers.
 */
class QuickstartTest {
  @TempDir Path dir;

  @Test
  void smallQuickstartPrintsTheTableAndWritesTheReportAndResumes() throws Exception {
    Path run = dir.resolve("run");
    String[] args = {"quickstart", "--small", "--run", run.toString(), "--cache",
        Path.of("target", "quickstart-cache").toAbsolutePath().toString()};
    Cli first = Cli.run(args);
    assertEquals(0, first.status(), first.err());
    for (String model : Quickstart.MODELS) {
      assertTrue(first.out().lines().anyMatch(l -> l.startsWith(model + " ")), "a table row for " + model + "\n" + first.out());
    }
    for (String metric : EvalMetrics.HEADLINE) {
      assertTrue(first.out().contains(metric), "the table shows " + metric);
    }
    assertTrue(first.out().contains("attacks held out (evaluation only): distractors (distraction), wikipedia-article (format)"),
        first.out());
    assertTrue(first.out().contains("Held-out attack "), "examples of held-out attacked prompts\n" + first.out());
    Path report = run.resolve("report.html");
    assertTrue(Files.size(report) > 10_000, "the report exists");
    assertTrue(first.out().contains("report: " + report.toAbsolutePath()), first.out());
    assertTrue(first.out().contains("time per stage:"), first.out());

    Cli again = Cli.run(args);
    assertEquals(0, again.status(), again.err());
    for (String step : new String[] {"data", "direct-sft", "deliberative-sft", "deliberative-sft+rl", "eval-base"}) {
      assertTrue(again.out().contains("      " + step + ": already done in this run directory, skipped"), again.out());
    }
    assertEquals(table(first.out()), table(again.out()), "the rerun reports the same numbers");

    args[3] = dir.resolve("second").toString();
    Cli second = Cli.run(args);
    assertEquals(0, second.status(), second.err());
    assertFalse(second.out().contains("already done"), "trained afresh\n" + second.out());
    assertEquals(table(first.out()), table(second.out()), "deterministic given the seed");
  }

  @Test
  void missingBenchmarksAreABadInputWithAHint() {
    Cli cli = Cli.run("quickstart", "--small", "--benchmarks", dir.resolve("nowhere").toString(), "--run",
        dir.resolve("run").toString());
    assertEquals(2, cli.status());
    assertTrue(cli.err().contains("expected strongreject/strongreject_dataset.csv"), cli.err());
  }

  private static String table(String out) {
    int start = out.indexOf("Held-out prompts");
    return out.substring(start, out.indexOf("report: ", start));
  }
}
