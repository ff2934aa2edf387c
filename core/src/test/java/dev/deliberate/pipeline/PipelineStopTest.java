package dev.deliberate.pipeline;

import dev.deliberate.generate.ReferenceGenerator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.deliberate.data.JsonlWriter;
import dev.deliberate.data.Prompt;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.RunDirectory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage whose output is empty ends the run with a line naming the stage and the reason; nothing after it runs. */
class PipelineStopTest {
  @TempDir Path dir;

  private Pipeline.Result run(List<Prompt> prompts) throws Exception {
    JsonlWriter.writeAll(dir.resolve("prompts-in.jsonl"), prompts);
    Path pipeline = dir.resolve("p.yaml");
    Files.writeString(pipeline, """
        run_dir: run
        spec: %s
        import:
          - format: jsonl
            path: prompts-in.jsonl
        classify: {model: reference}
        generate: {model: reference}
        judge: {model: reference}
        filter: {}
        """.formatted(Path.of("../specs/default.md").toAbsolutePath()));
    return new Pipeline(PipelineFile.read(pipeline, Map.of()), ReferenceGenerator.resolver(),
        new PrintWriter(new StringWriter()), "test").run(null, null);
  }

  @Test
  void nothingImportedEndsTheRunAtImport() throws Exception {
    Pipeline.Result result = run(List.of());
    assertFalse(result.ok());
    assertEquals("import: no prompt imported (check the import paths and limits)", result.stopped());
    assertEquals(1, result.lines().size());
  }

  @Test
  void noPromptWithACategoryEndsTheRunAtClassify() throws Exception {
    Pipeline.Result result = run(List.of(Prompt.of("What is the capital of France?", null, null, "t", Map.of()),
        Prompt.of("How do I bake bread?", null, null, "t", Map.of())));
    assertFalse(result.ok());
    assertEquals("classify: no prompt has a category (2 found none in their labels)", result.stopped());
    Manifest manifest = RunDirectory.open(dir.resolve("run"), "test").manifest();
    assertEquals("failed", manifest.stages().get("classify").status());
    assertFalse(manifest.stages().containsKey("generate"), "generate did not run");
  }
}
