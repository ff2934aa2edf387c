package dev.deliberate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deliberate.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineFileTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private String error(String yaml) throws Exception {
    Path file = write(yaml);
    return assertThrows(BadInputException.class, () -> PipelineFile.read(file, Map.of())).getMessage()
        .replace(file.toString(), "p.yaml");
  }

  @Test
  void readsSectionsWithDefaultsAndResolvesPathsAgainstTheFile() throws Exception {
    PipelineFile f = PipelineFile.read(write("""
        name: t
        spec: ../specs/default.md
        benchmarks: /data/bench
        import:
          - format: xstest
            path: ${benchmarks}/xstest/x.csv
        generate:
          model: reference
        judge:
          model: reference
          samples: 2
        """), Map.of("judge.sees_cot", "false"));
    assertEquals("/data/bench/xstest/x.csv", f.config().sources().get(0).path());
    assertEquals(2, f.config().generate().samples());
    assertEquals(true, f.config().generate().passLabels());
    assertEquals(false, f.config().judge().seesCot());
    assertEquals(dir.getParent().resolve("specs/default.md"), f.resolve(f.config().spec()));
    assertEquals(dir.getParent().resolve("runs/t"), f.runDir());
  }

  @Test
  void readsTheTrainingAndEvalSectionsWithDefaults() throws Exception {
    PipelineFile f = PipelineFile.read(write("""
        spec: s.md
        sft:
          model: tiny
          steps: 20
        rl:
          judge: reference
          steps: 2
          group: 2
        eval:
          models: {base: local:tiny, tuned: sft, rl: rl}
          suites: split
          limit: 5
        """), Map.of());
    PipelineConfig c = f.config();
    assertEquals(20, c.sft().get(0).steps());
    assertEquals(8, c.sft().get(0).batch());
    assertEquals(1e-4, c.sft().get(0).lr());
    assertEquals(null, c.rl().get(0).model()); // the sft stage's output
    assertEquals(2, c.rl().get(0).group());
    assertEquals(4, c.rl().get(0).promptsPerStep());
    assertEquals(0.04, c.rl().get(0).klCoef());
    PipelineConfig.Eval e = c.eval().get(0);
    assertEquals(List.of("base", "tuned", "rl"), List.copyOf(e.models().keySet()));
    assertEquals(List.of("split"), e.suites());
    assertEquals(List.of("none"), e.attacks());
    assertEquals("reference", e.grader());
    assertEquals("eval", e.name(), "one eval section is the job named eval");
    assertEquals("eval", e.dir(), "whose results stay in eval/");
  }

  @Test
  void theEvalSectionMayBeAListOfNamedJobsEachWithItsOwnDirectory() throws Exception {
    PipelineConfig c = PipelineFile.read(write("""
        spec: s.md
        eval:
          - name: validation
            models: {tuned: sft}
            suites: validation
          - models: {tuned: sft}
            suites: split
        """), Map.of()).config();
    assertEquals(List.of("validation", "eval"), c.eval().stream().map(PipelineConfig.Eval::name).toList());
    assertEquals(List.of("eval-validation", "eval"), c.eval().stream().map(PipelineConfig.Eval::dir).toList());
    assertEquals(List.of(false, true), c.eval().stream().map(PipelineConfig.Eval::heldOut).toList(),
        "the job on the held-out split is the one the report compares");
  }

  @Test
  void trainingAndEvalErrorsNameTheFieldAndItsLine() throws Exception {
    assertEquals("p.yaml:3: rl.group: expected at least 2, got 1", error("""
        spec: s.md
        rl:
          group: 1
        """));
    assertEquals("p.yaml:2: sft: name 'a': two training jobs have this name (it names their model directory,"
        + " model-NAME)", error("""
        spec: s.md
        sft:
          - {name: a, model: tiny}
          - {name: a, model: tiny, reasoning: drop}
        """));
    assertEquals("p.yaml:4: sft[0].reasoning: expected keep or drop, got none", error("""
        spec: s.md
        sft:
          - name: a
            reasoning: none
        """));
    assertEquals("p.yaml:4: sft.lr: expected a positive number, got 0.0", error("""
        spec: s.md
        sft:
          model: tiny
          lr: 0
        """));
    assertEquals("p.yaml:3: eval.limit: expected at least 1, got 0", error("""
        spec: s.md
        eval:
          limit: 0
          models: {a: reference}
        """));
    assertEquals("p.yaml:3: eval.models: name 'a b': expected letters, digits, '.', '_', '+' or '-' (it names a directory)",
        error("""
        spec: s.md
        eval:
          models: {"a b": reference}
        """));
    assertEquals("p.yaml:2: eval: name 'held-out': two eval jobs have this name (it names their directory,"
        + " eval-held-out/)", error("""
        spec: s.md
        eval:
          - {name: held-out, models: {a: reference}}
          - {name: held-out, models: {b: reference}, suites: split}
        """));
    assertEquals("p.yaml:5: eval[1].limit: expected at least 1, got 0", error("""
        spec: s.md
        eval:
          - {name: validation, models: {a: reference}, suites: validation}
          - models: {a: reference}
            limit: 0
        """));
    assertEquals("p.yaml:3: rl.keep: expected last or best, got first", error("""
        spec: s.md
        rl:
          keep: first
        """));
    assertEquals("p.yaml:4: rl: unknown field 'kl'", error("""
        spec: s.md
        rl:
          steps: 1
          kl: 0.1
        """));
  }

  @Test
  void theShippedExamplesAreValid() {
    PipelineFile offline = PipelineFile.read(Path.of("../examples/offline.yaml"), Map.of());
    assertEquals("reference", offline.config().generate().model());
    PipelineFile vllm = PipelineFile.read(Path.of("../examples/vllm.yaml"), Map.of());
    assertEquals(4, vllm.config().generate().samples());
    assertEquals(false, vllm.config().generate().passLabels());
    assertEquals(500, vllm.config().filter().categoryCap());
    assertEquals(0.05, vllm.config().maxFailureShare());
    assertEquals(false, vllm.config().classify().reclassify());
  }

  @Test
  void theFailureShareDefaultsToFivePercentAndIsAShare() throws Exception {
    PipelineFile f = PipelineFile.read(write("spec: s.md\nclassify:\n  model: reference\n"), Map.of());
    assertEquals(PipelineConfig.DEFAULT_MAX_FAILURE_SHARE, f.config().maxFailureShare());
    assertEquals(0.05, PipelineConfig.DEFAULT_MAX_FAILURE_SHARE);
    assertEquals(false, f.config().classify().reclassify());
    assertEquals("p.yaml:2: max_failure_share: expected a number from 0 to 1, got 1.5",
        error("spec: s.md\nmax_failure_share: 1.5\n"));
  }

  @Test
  void errorsNameTheLineAndTheField() throws Exception {
    assertEquals("p.yaml:4: generate.samples: expected at least 1, got 0",
        error("spec: s.md\ngenerate:\n  model: reference\n  samples: 0\n"));
    assertEquals("p.yaml:4: generate.limit: expected at least 1, got 0",
        error("spec: s.md\ngenerate:\n  model: reference\n  limit: 0\n"));
    assertEquals("p.yaml:4: generate.comply_answers: expected base or a model string, got an empty value",
        error("spec: s.md\ngenerate:\n  model: reference\n  comply_answers: ''\n"));
    assertEquals("p.yaml:3: generate: unknown field 'sampels'",
        error("spec: s.md\ngenerate:\n  sampels: 2\n  model: reference\n"));
    assertEquals("p.yaml:5: import[1].format: expected strongreject, xstest or jsonl, got csvx",
        error("spec: s.md\nimport:\n  - format: xstest\n    path: a\n  - format: csvx\n    path: b\n"));
    assertEquals("p.yaml:1: spec: expected the path of the safety spec (or no spec field: the built-in one)",
        error("spec: ''\n"));
    String notYaml = error("spec: [unclosed\n");
    assertEquals(true, notYaml.startsWith("p.yaml:"), notYaml);
    String badType = error("spec: s.md\njudge:\n  model: reference\n  samples: many\n");
    assertEquals(true, badType.startsWith("p.yaml:4: judge.samples: "), badType);
  }
}
