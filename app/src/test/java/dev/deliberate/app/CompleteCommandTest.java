package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import dev.deliberate.data.Prompt;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompleteCommandTest {
  private final ScriptedServer server = ScriptedServer.start();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    server.close();
  }

  /** Writes {@code count} prompts "question I" and returns the file. */
  static Path prompts(Path dir, int count) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add(Json.line(Prompt.of("question " + i, null, null, "test", Map.of())));
    }
    return Files.write(dir.resolve("prompts.jsonl"), lines);
  }

  static Map<String, JsonNode> records(Path file) throws Exception {
    Map<String, JsonNode> byId = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode node = Json.mapper().readTree(line);
      assertTrue(byId.put(node.get("id").asText(), node) == null, "written twice: " + node.get("id"));
    }
    return byId;
  }

  private Cli complete(Path in, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("complete", "--model", server.modelString("m"), "--in", in.toString(),
        "--out", out.toString(), "--concurrency", "4"));
    args.addAll(List.of(more));
    if (!args.contains("--timeout")) {
      args.addAll(List.of("--timeout", "2"));
    }
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void aServerThatIgnoresNStillGivesEveryPromptItsKChoicesAndARerunCostsNothing() throws Exception {
    // llama.cpp's Python server: one choice per request whatever n says, numbered 0.
    server.script(call -> Reply.likeLlamaCpp("stop"));
    Path in = prompts(dir, 2);
    Path out = dir.resolve("run/completions.jsonl");
    Cli cli = complete(in, out, "-n", "3", "--seed", "7");
    assertEquals(0, cli.status(), cli.err());

    JsonNode record = records(out).get(Prompt.of("question 0", null, null, "test", Map.of()).id());
    List<String> contents = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    record.get("choices").forEach(c -> {
      contents.add(c.get("content").asText());
      indexes.add(c.get("index").asInt());
    });
    assertEquals(List.of("seed 7: question 0", "seed 8: question 0", "seed 9: question 0"), contents);
    assertEquals(List.of(0, 1, 2), indexes);
    assertEquals(3 * 11, record.get("usage").get("prompt_tokens").asLong(), "the usage of all three requests");
    assertEquals(6, server.log().size());

    Cli again = complete(in, dir.resolve("run/again.jsonl"), "-n", "3", "--seed", "7", "--run", dir.resolve("run").toString());
    assertEquals(0, again.status(), again.err());
    assertEquals(6, server.log().size(), "every request of the top-ups is in the cache");
  }

  @Test
  void storesTheChoicesOfEveryPromptAndRecordsTheStageInTheManifest() throws Exception {
    server.script(call -> call.userText().equals("question 1")
        ? Reply.withReasoning("reasoning_content", "thinking", "answer")
        : Reply.echo());
    Path in = prompts(dir, 5);
    Path out = dir.resolve("run/completions.jsonl");
    Cli cli = complete(in, out, "-n", "2", "--seed", "9", "--price", "1,2");
    assertEquals(0, cli.status(), cli.err());

    Map<String, JsonNode> written = records(out);
    assertEquals(5, written.size());
    Prompt second = Prompt.of("question 1", null, null, "test", Map.of());
    JsonNode record = written.get(second.id());
    assertEquals("done", record.get("status").asText());
    assertEquals(2, record.get("choices").size());
    assertEquals("thinking", record.get("choices").get(0).get("reasoning").asText());
    assertEquals("answer", record.get("choices").get(0).get("content").asText());
    assertEquals("stop", record.get("choices").get(0).get("finish_reason").asText());
    assertEquals(5, record.get("usage").get("prompt_tokens").asLong());
    assertEquals(5, server.log().size());
    assertTrue(server.log().stream().allMatch(l -> l.body().get("seed").asLong() == 9 && l.body().get("n").asInt() == 2));

    JsonNode manifest = Json.mapper().readTree(Files.readString(dir.resolve("run/manifest.json")));
    JsonNode stage = manifest.at("/stages/complete");
    assertEquals("done", stage.get("status").asText());
    assertEquals(9, stage.get("seed").asLong());
    assertEquals(5, stage.at("/counts/done").asLong());
    String id = server.modelString("m");
    assertEquals(5, stage.at("/usage").get(id).get("requests").asLong());
    assertTrue(stage.at("/usage").get(id).get("cost_usd").asDouble() > 0);
    assertTrue(Files.exists(dir.resolve("run/cache.sqlite")));
    assertTrue(cli.err().contains("usage: " + id + ": 5 calls"), cli.err());
  }

  @Test
  void failedPromptsFailTheRunWithReasonsAndARerunRetriesOnlyThem() throws Exception {
    server.script(call -> call.userText().endsWith("3") || call.userText().endsWith("7") ? Reply.status(500) : Reply.echo());
    Path in = prompts(dir, 10);
    Path out = dir.resolve("completions.jsonl");
    Cli first = complete(in, out, "--max-retries", "1");
    assertEquals(ExitCode.FAILURE, first.status(), first.err());
    assertTrue(first.err().contains("2 record(s) failed"), first.err());
    Map<String, JsonNode> afterFirst = records(out);
    assertEquals(10, afterFirst.size());
    assertEquals(2, afterFirst.values().stream().filter(n -> n.get("status").asText().equals("failed")
        && n.get("error").asText().contains("HTTP 500")).count());
    assertEquals(12, server.log().size(), "8 successes and 2 prompts tried twice");

    server.script(call -> Reply.echo());
    Cli second = complete(in, out);
    assertEquals(0, second.status(), second.err());
    assertEquals(14, server.log().size(), "only the two failed prompts are called again");
    assertTrue(records(out).values().stream().allMatch(n -> n.get("status").asText().equals("done")));

    Cli third = complete(in, out);
    assertEquals(0, third.status());
    assertEquals(14, server.log().size(), "a finished stage rerun makes no call");

    Files.delete(out);
    Cli fromCache = complete(in, out);
    assertEquals(0, fromCache.status());
    assertEquals(14, server.log().size(), "every reply comes from the cache");
    assertEquals(10, records(out).size());
  }

  @Test
  void survivesTheFaultMix() throws Exception {
    server.script(call -> {
      int k = Integer.parseInt(call.userText().substring("question ".length()));
      if (call.attempt() > 1) {
        return Reply.echo();
      }
      return switch (k % 7) {
        case 0 -> Reply.status(429, Map.of("Retry-After", "0"));
        case 1 -> Reply.status(503);
        case 2 -> Reply.reset();
        case 3 -> Reply.truncated();
        case 4 -> Reply.malformed();
        case 5 -> Reply.delayed(java.time.Duration.ofMillis(1500), Reply.echo());
        default -> Reply.echo();
      };
    });
    Path in = prompts(dir, 21);
    Path out = dir.resolve("completions.jsonl");
    Cli cli = complete(in, out, "--timeout", "0.5");
    assertEquals(0, cli.status(), cli.err());
    Map<String, JsonNode> written = records(out);
    assertEquals(21, written.size());
    assertTrue(written.values().stream().allMatch(n -> n.get("status").asText().equals("done")));
    for (int i = 0; i < 21; i++) {
      String text = "question " + i;
      assertEquals(1, server.count(l -> l.userText().equals(text) && l.succeeded()), text);
    }
  }

  @Test
  void badInputIsOneLineWithStatusTwo() throws Exception {
    Cli missing = complete(dir.resolve("nope.jsonl"), dir.resolve("o.jsonl"));
    assertEquals(ExitCode.BAD_INPUT, missing.status());
    assertTrue(missing.err().startsWith("error: ") && missing.err().contains("nope.jsonl"), missing.err());

    Path in = prompts(dir, 1);
    Cli badModel = Cli.run("complete", "--model", "gpt-4o", "--in", in.toString(), "--out", dir.resolve("o.jsonl").toString());
    assertEquals(ExitCode.BAD_INPUT, badModel.status());
    assertEquals(1, badModel.err().strip().lines().count(), badModel.err());

    Path broken = Files.writeString(dir.resolve("broken.jsonl"), Files.readString(in) + "{not json\n");
    Cli badLine = complete(broken, dir.resolve("o2.jsonl"));
    assertEquals(ExitCode.BAD_INPUT, badLine.status(), badLine.err());
    assertTrue(badLine.err().contains("broken.jsonl:2"), badLine.err());
    assertFalse(badLine.err().contains("\tat "), "no stack trace");
  }

  @Test
  void helpExplainsTheCommand() {
    Cli help = Cli.run("complete", "--help");
    assertEquals(0, help.status());
    assertTrue(help.out().contains("--api-key-env") && help.out().contains("Resumable"), help.out());
  }

}
