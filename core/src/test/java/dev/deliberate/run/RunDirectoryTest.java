package dev.deliberate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
  @TempDir Path dir;

  @Test
  void theManifestRecordsStagesAndSurvivesReopening() throws Exception {
    RunDirectory run = RunDirectory.open(dir.resolve("r"), "0.1.0");
    run.update(m -> m.withSpecHash("abc").withStage(new Manifest.Stage("complete", "done", List.of("openai:m"), 7L,
        Map.of("n", 2), "inhash", "completions.jsonl", new Manifest.Counts(10, 9, 1, 0), "t0", "t1", 1.5,
        Map.of("openai:m", new Accounting.ModelUsage(9, 0, 2, 1, 100, 200, 0.25)))));
    String text = Files.readString(dir.resolve("r/manifest.json"));
    assertTrue(text.contains("\"format_version\" : 1"), text);
    assertTrue(text.contains("\"prompt_tokens\" : 100"), text);

    RunDirectory again = RunDirectory.open(dir.resolve("r"), "0.1.1");
    Manifest m = again.manifest();
    assertEquals("abc", m.specHash());
    assertEquals("0.1.1", m.projectVersion());
    Manifest.Stage stage = again.stage("complete");
    assertEquals(new Manifest.Counts(10, 9, 1, 0), stage.counts());
    assertEquals(200, stage.usage().get("openai:m").completionTokens());
    assertEquals(7L, stage.seed());
    try (var files = Files.list(dir.resolve("r"))) {
      assertEquals(List.of("manifest.json"), files.map(p -> p.getFileName().toString()).toList(), "no temp files left");
    }
  }

  @Test
  void anUnknownFormatVersionIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("r"));
    Files.writeString(dir.resolve("r/manifest.json"), "{\"format_version\": 99}");
    BadInputException e = assertThrows(BadInputException.class, () -> RunDirectory.open(dir.resolve("r"), "x"));
    assertTrue(e.getMessage().contains("format_version 99"), e.getMessage());
  }
}
