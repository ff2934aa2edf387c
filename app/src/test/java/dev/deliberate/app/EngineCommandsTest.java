package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.TokenizerFiles;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.tiny.BpeTrainer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCommandsTest {
  @TempDir static Path model;

  @BeforeAll
  static void build() throws Exception {
    var tokenizer = BpeTrainer.train(Collections.nCopies(3, "<|user|>Hello there, how are you?<|end|><|assistant|>"
        + "<think>A greeting.</think>Fine, thanks!<|end|>"), 320, TokenizerFiles.SPECIALS);
    TokenizerFiles.write(model, tokenizer, 96, GenerationSettings.DEFAULT);
    LlamaConfig config = LlamaConfig.llama(tokenizer.path("model").path("vocab").size(), 32, 64, 1, 4, 2, 96, 0, 0);
    try (LocalModel local = LocalModel.random(config, 1, model)) {
      local.save(model);
    }
  }

  @Test
  void logitsPrintsOneRowPerVocabularyEntryAsJson() throws Exception {
    Cli cli = Cli.run("model", "logits", "--model", model.toString(), "--ids", "1,2,3");
    assertEquals(0, cli.status(), cli.err());
    JsonNode json = Json.mapper().readTree(cli.out());
    assertEquals(3, json.get("ids").size());
    assertTrue(json.get("logits").size() > 256);
    Cli all = Cli.run("model", "logits", "--model", "local:" + model, "--ids", "1,2,3", "--all-positions");
    assertEquals(3, Json.mapper().readTree(all.out()).get("logits").size());
  }

  @Test
  void aMissingModelDirectoryIsOneLineNamingIt(@TempDir Path empty) {
    Cli cli = Cli.run("model", "logits", "--model", empty.resolve("nope").toString(), "--ids", "1");
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: " + empty.resolve("nope") + ": not a model directory (expected config.json and"
        + " model.safetensors in it)", cli.err().strip());
  }

  @Test
  void aConfigWithoutAFieldNamesTheFileAndTheField(@TempDir Path broken) throws Exception {
    Files.writeString(broken.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 32}");
    Cli cli = Cli.run("model", "logits", "--model", broken.toString(), "--ids", "1");
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: " + broken.resolve("config.json") + ": field num_attention_heads: missing (expected a"
        + " positive integer)", cli.err().strip());
  }

  @Test
  void aTokenIdOutsideTheVocabularyIsBadInput() {
    Cli cli = Cli.run("model", "logits", "--model", model.toString(), "--ids", "1,99999");
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertTrue(cli.err().contains("token id 99999 is outside the vocabulary"), cli.err());
  }

  @Test
  void generateWithTheSameSeedPrintsTheSameText() {
    Cli a = Cli.run("model", "generate", "--model", model.toString(), "--prompt", "Hello", "--max-tokens", "12",
        "--seed", "4", "--temperature", "1.0");
    Cli b = Cli.run("model", "generate", "--model", model.toString(), "--prompt", "Hello", "--max-tokens", "12",
        "--seed", "4", "--temperature", "1.0");
    assertEquals(0, a.status(), a.err());
    assertEquals(a.out(), b.out());
  }

  @Test
  void chatAnswersEachPipedLine() {
    ChatCommand.input = new ByteArrayInputStream("Hello\n\nHow are you?\n".getBytes(StandardCharsets.UTF_8));
    try {
      Cli cli = Cli.run("chat", "--model", model.toString(), "--max-tokens", "5", "--temperature", "0");
      assertEquals(0, cli.status(), cli.err());
      assertEquals(2, cli.out().lines().count(), cli.out());
    } finally {
      ChatCommand.input = System.in;
    }
  }

  @Test
  void localModelStringsResolveToTheLocalEngine() {
    var chat = ModelStrings.resolver().resolve("local:" + model, dev.deliberate.model.ModelOptions.defaults());
    assertEquals("local:" + model, chat.id());
    var response = chat.chat(dev.deliberate.model.ChatRequest.of(List.of(new dev.deliberate.data.Message("user",
        "Hello"))).withMaxTokens(4).withSeed(1L));
    assertEquals(1, response.choices().size());
  }

  @Test
  void trainSftNamesTheLineOfABadRecord(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("sft.jsonl");
    Files.write(data, List.of("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, "
        + "{\"role\": \"assistant\", \"content\": \"Hello\"}]}", "not json"));
    Cli cli = Cli.run("train", "sft", "--model", model.toString(), "--data", data.toString(), "--out",
        dir.resolve("out").toString());
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertTrue(cli.err().startsWith("error: " + data + ":2: not valid JSON"), cli.err());
    assertFalse(Files.exists(dir.resolve("out/config.json")));
  }

  @Test
  void trainSftWritesAModelDirectory(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("sft.jsonl");
    Files.write(data, Collections.nCopies(4, "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, "
        + "{\"role\": \"assistant\", \"content\": \"<think>A greeting.</think>Hello\"}]}"));
    Cli cli = Cli.run("train", "sft", "--model", model.toString(), "--data", data.toString(), "--out",
        dir.resolve("out").toString(), "--max-steps", "3", "--batch-size", "2");
    assertEquals(0, cli.status(), cli.err());
    assertTrue(cli.out().startsWith("wrote " + dir.resolve("out") + ": 3 steps"), cli.out());
    assertTrue(Files.exists(dir.resolve("out/tokenizer.json")));
    assertEquals(3, Files.readAllLines(dir.resolve("out/metrics.jsonl")).size());
  }

  @Test
  void tokenizeAndLogitsTakeAFileOfInputsAndAnswerLineByLine(@TempDir Path dir) throws Exception {
    Path strings = Files.write(dir.resolve("strings.jsonl"), List.of("\"Hello there\"", "\"<|end|>\""));
    Cli tokens = Cli.run("model", "tokenize", "--model", model.toString(), "--input", strings.toString());
    assertEquals(0, tokens.status(), tokens.err());
    List<String> lines = tokens.out().lines().toList();
    assertEquals(2, lines.size());
    assertEquals("[0]", lines.get(1)); // the special token written as text is its id
    Cli one = Cli.run("model", "tokenize", "--model", model.toString(), "--text", "Hello there");
    assertEquals(lines.get(0), one.out().strip());

    Path ids = Files.write(dir.resolve("ids.jsonl"), List.of(lines.get(0), "[1, 2]"));
    Cli logits = Cli.run("model", "logits", "--model", model.toString(), "--ids-file", ids.toString());
    assertEquals(0, logits.status(), logits.err());
    List<String> rows = logits.out().lines().toList();
    assertEquals(2, rows.size());
    assertEquals("[1,2]", Json.mapper().readTree(rows.get(1)).get("ids").toString());
    Cli single = Cli.run("model", "logits", "--model", model.toString(), "--ids", "1,2");
    assertEquals(Json.mapper().readTree(single.out()), Json.mapper().readTree(rows.get(1)));

    Path bad = Files.write(dir.resolve("bad.jsonl"), List.of("[1]", "[]"));
    Cli error = Cli.run("model", "logits", "--model", model.toString(), "--ids-file", bad.toString());
    assertEquals(ExitCode.BAD_INPUT, error.status());
    assertEquals("error: " + bad + ":2: expected a non-empty JSON array of token ids", error.err().strip());
  }

  @Test
  void tokenizeChatLaysEachConversationOutAsTheEnginePromptsTheModel(@TempDir Path dir) throws Exception {
    Path conversations = Files.write(dir.resolve("chats.jsonl"), List.of(
        "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello there\"}]",
        "[{\"role\":\"user\",\"content\":\"Hello\"},{\"role\":\"assistant\"}]"));
    Cli cli = Cli.run("model", "tokenize", "--model", model.toString(), "--input", conversations.toString(), "--chat");

    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: " + conversations + ":2: messages[1]: expected {\"role\": string, \"content\": string}",
        cli.err().strip());
    List<String> lines = cli.out().lines().toList();
    assertEquals(1, lines.size(), "the good line before the bad one is answered");
    Cli plain = Cli.run("model", "tokenize", "--model", model.toString(), "--text",
        "<|system|>Be brief.<|end|><|user|>Hello there<|end|><|assistant|>");
    assertEquals(plain.out().strip(), lines.get(0));
  }

  @Test
  void severalPromptsInOneCallAnswerAsSeparateCallsDo() {
    String m = model.toString();
    Cli both = Cli.run("model", "generate", "--model", m, "--prompt", "Hello", "--prompt", "How are you?",
        "--max-tokens", "6", "--temperature", "0", "--json");
    Cli first = Cli.run("model", "generate", "--model", m, "--prompt", "Hello", "--max-tokens", "6", "--temperature",
        "0", "--json");
    Cli second = Cli.run("model", "generate", "--model", m, "--prompt", "How are you?", "--max-tokens", "6",
        "--temperature", "0", "--json");
    assertEquals(0, both.status(), both.err());
    assertEquals(2, both.out().lines().count(), both.out());
    assertEquals(first.out() + second.out(), both.out(), "one JSON line per prompt, in the order given");
  }

  @Test
  void generateJsonListsTheGeneratedIds() throws Exception {
    Cli cli = Cli.run("model", "generate", "--model", model.toString(), "--prompt", "Hello", "--max-tokens", "5",
        "--temperature", "0", "--json");
    assertEquals(0, cli.status(), cli.err());
    JsonNode json = Json.mapper().readTree(cli.out());
    assertEquals(json.get("tokens").asInt(), json.get("ids").size());
  }
}
