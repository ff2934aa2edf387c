package dev.deliberate.pipeline;

import dev.deliberate.generate.ReferenceGenerator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import dev.deliberate.generate.TextChecks;
import dev.deliberate.run.Manifest;
import dev.deliberate.spec.Category;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/offline.yaml end to end: reference generator and judge, the real benchmarks with attacks. */
class OfflinePipelineTest {
  static final Path EXAMPLE = Path.of("../examples/offline.yaml");
  @TempDir Path runDir;

  private Pipeline.Result run(Pipeline.Stage until, Pipeline.Stage only) {
    PipelineFile file = PipelineFile.read(EXAMPLE, Map.of("run_dir", runDir.toString()));
    StringWriter log = new StringWriter();
    Pipeline.Result result = new Pipeline(file, ReferenceGenerator.resolver(), new PrintWriter(log), "test")
        .run(until, only);
    assertTrue(result.ok(), () -> log.toString());
    return result;
  }

  @Test
  void runsToExportOfflineAndEveryExampleCitesTheSpecWithoutContainingIt() throws Exception {
    Pipeline.Result first = run(Pipeline.Stage.EXPORT, null);
    Spec spec = SpecParser.parse(Path.of("../specs/default.md"));
    Set<String> excerptSentences = new HashSet<>();
    for (Category c : spec.categories()) {
      excerptSentences.addAll(TextChecks.sentences(spec.excerpt(c.anchor())));
    }
    int examples = 0;
    for (String name : List.of("sft.jsonl", "sft-openai.jsonl", "sft-hf.jsonl")) {
      List<String> lines = Files.readAllLines(runDir.resolve("export").resolve(name));
      assertFalse(lines.isEmpty(), name);
      for (String line : lines) {
        JsonNode node = Json.mapper().readTree(line);
        StringBuilder text = new StringBuilder(node.path("reasoning").asText(""));
        node.get("messages").forEach(m -> text.append('\n').append(m.get("content").asText()));
        Set<String> cited = TextChecks.citedAnchors(text.toString());
        assertFalse(cited.isEmpty(), name + ": cites nothing: " + line);
        assertTrue(spec.anchors().containsAll(cited), name + ": unknown anchors " + cited);
        String normal = " " + TextChecks.normalise(text.toString()) + " ";
        for (String sentence : excerptSentences) {
          assertFalse(normal.contains(" " + sentence + " "), name + " contains spec text: " + sentence);
        }
        examples++;
      }
    }
    assertTrue(examples > 300, "examples: " + examples);
    System.out.println("offline run: " + first.lines());
    System.out.println("filter summary: " + Files.readString(runDir.resolve("filter-summary.json")));

    Pipeline.Result again = run(Pipeline.Stage.EXPORT, null);
    assertTrue(again.modelCalls().values().stream().allMatch(n -> n == 0), "rerun calls: " + again.modelCalls());
    Manifest manifest = dev.deliberate.run.RunDirectory.open(runDir, "test").manifest();
    for (String stage : List.of("generate", "judge")) {
      Manifest.Counts counts = manifest.stages().get(stage).counts();
      assertEquals(counts.total(), counts.skipped(), stage + " did work on the rerun: " + counts);
    }
    assertEquals(spec.hash(), manifest.specHash());
  }

  @Test
  void untilAndOnlySelectStages() {
    Pipeline.Result toSplit = run(Pipeline.Stage.SPLIT, null);
    assertEquals(List.of("import", "attack", "split"), stages(toSplit));
    assertTrue(Files.exists(runDir.resolve("train.jsonl")));
    assertFalse(Files.exists(runDir.resolve("completions.jsonl")));
    Pipeline.Result onlyClassify = run(null, Pipeline.Stage.CLASSIFY);
    assertEquals(List.of("classify"), stages(onlyClassify));
  }

  private static List<String> stages(Pipeline.Result r) {
    List<String> names = new ArrayList<>();
    r.lines().forEach(l -> names.add(l.substring(0, l.indexOf(':'))));
    return names;
  }
}
