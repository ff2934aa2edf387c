package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.io.Json;
import dev.deliberate.pipeline.PipelineFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart end to end, reduced ({@code --small}): it finds the tiny base model in the user cache or builds it
 * there (where the interop checks then find it; TinyModelTest covers the build itself), runs every stage, prints the validation table and then the
 * held-out one and writes the report; a rerun skips every finished step, and so does its pipeline printed and run
 * by {@code deliberate run}.
 */
class QuickstartTest {
  @TempDir Path dir;

  @Test
  void smallQuickstartPrintsTheTableAndWritesTheReportAndResumes() throws Exception {
    Path run = dir.resolve("run");
    String[] args = {"quickstart", "--small", "--run", run.toString()};
    Cli first = Cli.run(args);
    assertEquals(0, first.status(), first.err());
    for (String model : List.of("base", "direct-sft", "deliberative-sft", "deliberative-sft+rl")) {
      assertTrue(first.out().lines().anyMatch(l -> l.startsWith(model + " ")), "a table row for " + model + "\n" + first.out());
    }
    for (String metric : EvalMetrics.HEADLINE) {
      assertTrue(first.out().contains(metric), "the table shows " + metric);
    }
    assertTrue(first.out().contains("attacks held out (evaluation only): distractors (distraction), wikipedia-article (format)"),
        first.out());
    assertTrue(first.out().contains("Held-out attack "), "examples of held-out attacked prompts\n" + first.out());
    // Each table names its split: the validation one, where the recipe is chosen, comes before the held-out one.
    int validation = first.out().indexOf("Validation prompts (requests set aside from training");
    assertTrue(validation >= 0 && validation < first.out().indexOf("Held-out prompts"), first.out());
    assertTrue(Files.isRegularFile(run.resolve("eval-validation").resolve("deliberative-sft+rl").resolve("metrics.json")));
    Path report = run.resolve("report.html");
    assertTrue(Files.size(report) > 10_000, "the report exists");
    assertTrue(first.out().contains("report: " + report.toAbsolutePath()), first.out());
    assertTrue(first.out().contains("time per stage:"), first.out());
    // What the weights depend on beyond the seed is on record: the thread count in force (the pipeline file's 2,
    // unless an earlier test in this JVM loaded the engine first), the CPU model and the kernel choice.
    var numerics = Json.mapper().readTree(run.resolve("manifest.json").toFile()).path("config").path("numerics");
    assertEquals(System.getProperty("ai.djl.pytorch.num_threads"), numerics.path("threads").asText(), numerics.toString());
    assertFalse(numerics.path("cpu").asText().isEmpty(), numerics.toString());
    for (String setting : List.of("ATEN_CPU_CAPABILITY", "MKL_CBWR", "ONEDNN_MAX_CPU_ISA")) {
      assertEquals(System.getenv().getOrDefault(setting, "unset"), numerics.path(setting).asText(), setting);
    }

    Cli again = Cli.run(args);
    assertEquals(0, again.status(), again.err());
    for (String done : new String[] {"generate: 0 done, 0 failed, 840 already in completions.jsonl",
        "sft: direct-sft: already done -> model-direct-sft",
        "deliberative-sft: already done -> model-deliberative-sft", "rl: deliberative-sft+rl: already done",
        "answers: 0 done, 0 failed, 54 already in answers.jsonl"}) {
      assertTrue(again.err().contains(done), done + "\n" + again.err());
    }
    assertEquals(table(first.out()), table(again.out()), "the rerun reports the same numbers");

    // The built-in file, printed and run as any pipeline file over the same run directory, finds every stage done:
    // each stage's key is the hash of its configuration, so the quickstart is exactly that pipeline. (That the same
    // seed trains the same weights is SftTrainerTest's and GrpoTrainerTest's, which compare runs step by step.)
    Cli print = Cli.run("quickstart", "--small", "--print-pipeline");
    assertEquals(0, print.status(), print.err());
    Path file = dir.resolve("mine.yaml");
    Files.writeString(file, print.out());
    Cli asFile = Cli.run("run", file.toString(), "--run", run.toString());
    assertEquals(0, asFile.status(), asFile.err());
    for (String done : new String[] {"sft: direct-sft: already done", "rl: deliberative-sft+rl: already done",
        "answers: 0 done, 0 failed, 54 already in answers.jsonl"}) {
      assertTrue(asFile.err().contains(done), done + "\n" + asFile.err());
    }
    assertEquals(table(first.out()), table(asFile.out()), "the same table from deliberate run");
  }

  @Test
  void aPretrainedStudentGetsThePretrainedRecipeWithCommentsOfItsOwn() throws Exception {
    for (String size : new String[] {"", "-small"}) {
      Cli print = size.isEmpty() ? Cli.run("quickstart", "--student", "smollm2", "--print-pipeline")
          : Cli.run("quickstart", "--student", "smollm2", "--small", "--print-pipeline");
      assertEquals(0, print.status(), print.err());
      Path file = dir.resolve("pretrained" + size + ".yaml");
      Files.writeString(file, print.out());
      PipelineFile parsed = PipelineFile.read(file, Map.of("base", "local:/models/student.gguf"));
      assertEquals("quickstart-pretrained" + size, parsed.config().name());
      assertEquals("base", parsed.config().generate().complyAnswers(),
          "a real student learns its own answers to safe requests, not the reference generator's generic line");
      assertTrue(print.out().contains("--student MODEL"), "the file says what runs it");
    }
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
