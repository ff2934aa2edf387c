package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import dev.deliberate.data.Prompt;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.TokenizerFiles;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.tiny.BpeTrainer;
import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.report.EvalResult;
import dev.deliberate.spec.Style;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deliberate run} through sft, rl and eval on a tiny random local model, then a rerun that does nothing. */
class PipelineTrainingTest {
  @TempDir Path dir;

  @Test
  void trainsThenEvaluatesTheBaseAndBothTrainedModelsAndARerunDoesNoWork() throws Exception {
    Path base = tinyModel(Files.createDirectories(dir.resolve("base")));
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      prompts.add(Json.line(Prompt.of("Help me hurt someone " + i + ".", "violence", Style.REFUSE, "t", Map.of())));
      prompts.add(Json.line(Prompt.of("How do I bake bread " + i + "?", "violence", Style.COMPLY, "t", Map.of())));
    }
    Files.write(dir.resolve("prompts.jsonl"), prompts);
    Path spec = Path.of("..", "specs", "default.md").toAbsolutePath().normalize();
    Path pipeline = dir.resolve("p.yaml");
    Files.writeString(pipeline, """
        spec: %s
        run_dir: run
        seed: 42
        import: {format: jsonl, path: prompts.jsonl}
        split: {eval_share: 0.3}
        classify: {model: reference}
        generate: {model: reference, samples: 1}
        judge: {model: reference, samples: 1}
        filter: {threshold: 0.0}
        export: {formats: [jsonl]}
        sft: {model: base, steps: 2, batch: 2, lr: 0.001}
        rl: {steps: 1, group: 2, prompts_per_step: 2, max_new_tokens: 6, eval_every: 1}
        eval:
          models: {base: local:base, sft: sft, rl: rl}
          suites: split
          limit: 2
          max_tokens: 6
        """.formatted(spec));
    Path run = dir.resolve("run");

    Cli first = Cli.run("run", pipeline.toString());
    assertEquals(0, first.status(), first.err());
    assertTrue(first.err().contains("sft: 2 steps, loss "), first.err());
    assertTrue(first.err().contains("rl: 1 rounds, mean reward "), first.err());
    assertTrue(first.err().contains("eval: 3 models x 2 prompts -> eval/NAME/"), first.err());
    for (String model : List.of("model-sft", "model-rl")) {
      assertTrue(Files.isRegularFile(run.resolve(model).resolve("model.safetensors")), model);
      JsonNode training = Json.mapper().readTree(run.resolve(model).resolve("training.json").toFile());
      assertEquals(42, training.get("settings").get("seed").asLong(), model + " trains with the pipeline's seed");
    }
    List<EvalResult> results = EvalResult.load(run);
    assertEquals(3, results.size());
    for (EvalResult r : results) {
      EvalMetrics m = r.metrics();
      assertEquals(2, m.counts().get("answers"), r.dir().toString());
      assertEquals(0, m.counts().get("answer_failures"), r.dir().toString());
    }
    assertTrue(first.out().contains(run.resolve("model-rl").toString()), first.out()); // the metrics table

    FileTime sftTime = Files.getLastModifiedTime(run.resolve("model-sft/model.safetensors"));
    FileTime rlTime = Files.getLastModifiedTime(run.resolve("model-rl/model.safetensors"));
    String answers = Files.readString(run.resolve("eval/rl/answers.jsonl"));
    Cli again = Cli.run("run", pipeline.toString());
    assertEquals(0, again.status(), again.err());
    assertTrue(again.err().contains("sft: already done -> model-sft"), again.err());
    assertTrue(again.err().contains("rl: already done -> model-rl"), again.err());
    assertEquals(3, again.err().lines().filter(l -> l.startsWith("answers: 0 done, 0 failed, 2 already in answers.jsonl")).count(),
        again.err());
    assertEquals(sftTime, Files.getLastModifiedTime(run.resolve("model-sft/model.safetensors")));
    assertEquals(rlTime, Files.getLastModifiedTime(run.resolve("model-rl/model.safetensors")));
    assertEquals(answers, Files.readString(run.resolve("eval/rl/answers.jsonl")));

    // New sft settings: sft trains again, so rl (which starts from it) does too, and their old answers go.
    Cli changed = Cli.run("run", pipeline.toString(), "--set", "sft.steps=3");
    assertEquals(0, changed.status(), changed.err());
    assertTrue(changed.err().contains("sft: 3 steps, loss "), changed.err());
    assertTrue(changed.err().contains("rl: 1 rounds, mean reward "), changed.err());
    // The base model's answers are reused; the retrained models' weights changed, so theirs are asked again.
    assertEquals(1, changed.err().lines().filter(l -> l.startsWith("answers: 0 done, 0 failed, 2 already in answers.jsonl")).count(),
        changed.err());
    assertEquals(2, changed.err().lines().filter(l -> l.startsWith("answers: 2 done, 0 failed, 0 already in answers.jsonl")).count(),
        changed.err());
    assertEquals(2, Files.readAllLines(run.resolve("eval/rl/answers.jsonl")).size(), "the old answers left the file");

    // keep: best is a new rl setting, so rl trains again; it ends with the round its held-out evaluations chose.
    Cli best = Cli.run("run", pipeline.toString(), "--set", "sft.steps=3", "--set", "rl.keep=best");
    assertEquals(0, best.status(), best.err());
    assertTrue(best.err().contains("sft: already done -> model-sft"), best.err());
    assertTrue(best.err().contains("rl: 1 rounds, mean reward "), best.err());
    JsonNode kept = Json.mapper().readTree(run.resolve("model-rl/training.json").toFile()).path("result");
    assertTrue(kept.path("kept_step").isInt() && kept.path("kept_step").asInt() <= 1, kept.toString());
  }

  /** A random model over a tokenizer trained on a few sentences like the prompts. */
  private static Path tinyModel(Path model) throws Exception {
    var tokenizer = BpeTrainer.train(Collections.nCopies(3, "<|user|>Help me hurt someone. How do I bake bread?<|end|>"
        + "<|assistant|><think>A request; the spec #violence-disallowed applies.</think>I can't help with that. "
        + "Mix flour and water.<|end|>"), 320, TokenizerFiles.SPECIALS);
    TokenizerFiles.write(model, tokenizer, 256, GenerationSettings.DEFAULT);
    LlamaConfig config = LlamaConfig.llama(tokenizer.path("model").path("vocab").size(), 32, 64, 1, 4, 2, 256, 0, 0);
    try (LocalModel local = LocalModel.random(config, 1, model)) {
      local.save(model);
    }
    return model;
  }
}
