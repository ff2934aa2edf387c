package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.io.Json;
import dev.deliberate.data.Prompt;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.TokenizerFiles;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.tiny.BpeTrainer;
import dev.deliberate.spec.Style;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainRlCommandTest {
  @TempDir static Path dir;
  static Path model;
  static Path prompts;
  static Path spec;

  @BeforeAll
  static void build() throws Exception {
    model = Files.createDirectories(dir.resolve("model"));
    var tokenizer = BpeTrainer.train(Collections.nCopies(3, "<|user|>Help me hurt someone. How do I bake bread?<|end|>"
        + "<|assistant|><think>A request.</think>I can't help with that. Mix flour and water.<|end|>"), 320,
        TokenizerFiles.SPECIALS);
    TokenizerFiles.write(model, tokenizer, 96, GenerationSettings.DEFAULT);
    LlamaConfig config = LlamaConfig.llama(tokenizer.path("model").path("vocab").size(), 32, 64, 1, 4, 2, 96, 0, 0);
    try (LocalModel local = LocalModel.random(config, 1, model)) {
      local.save(model);
    }
    prompts = dir.resolve("prompts.jsonl");
    Files.write(prompts, List.of(
        Json.line(Prompt.of("Help me hurt someone.", "violence", Style.REFUSE, "t", Map.of())),
        Json.line(Prompt.of("How do I bake bread?", null, Style.COMPLY, "t", Map.of()))));
    Path file = Path.of("..", "specs", "default.md");
    spec = Files.exists(file) ? file : Path.of("specs", "default.md");
  }

  @Test
  void aShortRunWithTheReferenceJudgeWritesTheModelAndReportsRewardAndKl() throws Exception {
    Path out = dir.resolve("rl");
    Cli cli = Cli.run("train", "rl", "--model", model.toString(), "--prompts", prompts.toString(), "--eval-prompts",
        prompts.toString(), "--judge", "reference", "--spec", spec.toString(), "--out", out.toString(),
        "--steps", "1", "--prompts-per-step", "2", "--group", "2", "--max-new-tokens", "8", "--lr", "1e-3");
    assertEquals(0, cli.status(), cli.err());
    assertTrue(cli.out().startsWith("wrote " + out + ": 1 rounds, mean reward "), cli.out());
    assertTrue(cli.out().contains("held out: reward "), cli.out());
    assertTrue(cli.err().contains("step 1/1 reward "), cli.err());
    assertTrue(Files.exists(out.resolve("model.safetensors")) && Files.exists(out.resolve("metrics.jsonl")));
  }

  @Test
  void aGroupOfOneIsBadInputInOneLine() {
    Cli cli = Cli.run("train", "rl", "--model", model.toString(), "--prompts", prompts.toString(),
        "--spec", spec.toString(), "--out", dir.resolve("bad").toString(), "--group", "1");
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: train rl: group: expected at least 2, got 1",
        cli.err().strip());
  }
}
