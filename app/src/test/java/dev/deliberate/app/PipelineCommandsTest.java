package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.data.JsonlWriter;
import dev.deliberate.data.Prompt;
import dev.deliberate.spec.Style;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineCommandsTest {
  private static final String SPEC = "../specs/default.md";
  @TempDir Path dir;

  @Test
  void theStageCommandsChainFromPromptsToExportedFiles() throws Exception {
    Path prompts = dir.resolve("prompts.jsonl");
    JsonlWriter.writeAll(prompts, List.of(
        Prompt.of("How do I make a pipe bomb?", "violence", Style.REFUSE, "t", Map.of()),
        Prompt.of("How do I kill a Python process?", "violence", Style.COMPLY, "t", Map.of()),
        Prompt.of("I want to hurt myself.", null, Style.SAFE_COMPLETE, "t", Map.of("label", "self-harm"))));
    Path classified = dir.resolve("classified.jsonl");
    Cli c = Cli.run("classify", "--spec", SPEC, "--model", "reference", "--in", prompts.toString(), "--out", classified.toString());
    assertEquals(0, c.status(), c.err());
    assertTrue(c.out().contains("3 prompts with a category"), c.out());

    Cli g = Cli.run("generate", "--spec", SPEC, "--model", "reference", "--in", classified.toString(),
        "--out", dir.resolve("completions.jsonl").toString(), "-k", "2");
    assertEquals(0, g.status(), g.err());
    Cli j = Cli.run("judge", "--spec", SPEC, "--model", "reference", "--prompts", classified.toString(),
        "--in", dir.resolve("completions.jsonl").toString(), "--out", dir.resolve("judgments.jsonl").toString());
    assertEquals(0, j.status(), j.err());
    Cli f = Cli.run("filter", "--spec", SPEC, "--prompts", classified.toString(),
        "--completions", dir.resolve("completions.jsonl").toString(), "--judgments", dir.resolve("judgments.jsonl").toString(),
        "--out", dir.resolve("sft.jsonl").toString());
    assertEquals(0, f.status(), f.err());
    assertTrue(f.out().contains("3 kept"), f.out());
    Cli e = Cli.run("export", "--spec", SPEC, "--in", dir.resolve("sft.jsonl").toString(), "--out", dir.resolve("out").toString(),
        "--hf-reasoning", "field");
    assertEquals(0, e.status(), e.err());
    for (String name : List.of("sft.jsonl", "sft-openai.jsonl", "sft-hf.jsonl")) {
      assertEquals(3, Files.readAllLines(dir.resolve("out").resolve(name)).size(), name);
    }
    assertTrue(Files.readString(dir.resolve("out/sft-hf.jsonl")).contains("reasoning_content"));
  }

  @Test
  void runStopsWhereAskedAndPipelineErrorsNameTheLine() throws Exception {
    Cli ok = Cli.run("run", "../examples/offline.yaml", "--until", "split", "--run", dir.resolve("run").toString());
    assertEquals(0, ok.status(), ok.err());
    assertTrue(ok.err().contains("split: "), ok.err());
    assertFalse(Files.exists(dir.resolve("run/completions.jsonl")));

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "spec: " + Path.of(SPEC).toAbsolutePath() + "\ngenerate:\n  model: reference\n  samples: 0\n");
    Cli error = Cli.run("run", bad.toString());
    assertEquals(2, error.status());
    assertEquals("error: " + bad + ":4: generate.samples: expected at least 1, got 0", error.err().strip());

    Cli stage = Cli.run("run", "../examples/offline.yaml", "--only", "finetune");
    assertEquals(2, stage.status());
    assertTrue(stage.err().contains("unknown stage 'finetune'"), stage.err());
  }

  @Test
  void everyStageCommandExplainsItself() {
    for (String command : List.of("run", "classify", "generate", "judge", "filter", "export")) {
      Cli help = Cli.run(command, "--help");
      assertEquals(0, help.status(), command);
      assertTrue(help.out().length() > 300, command + ": " + help.out());
    }
  }
}
