package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code deliberate complete} as a separate process, to kill it and to see everything it writes. */
class CompleteProcessTest {
  private static final int PROMPTS = 60;
  private static final int CONCURRENCY = 4;
  private static final Duration LATENCY = Duration.ofMillis(150);

  private final ScriptedServer server = ScriptedServer.start();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    server.close();
  }

  private ProcessBuilder complete(Path in, Path out, String... more) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "complete", "--model", server.modelString("m"), "--in", in.toString(), "--out", out.toString(),
        "--concurrency", String.valueOf(CONCURRENCY)));
    command.addAll(List.of(more));
    return new ProcessBuilder(command).redirectErrorStream(false)
        .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
  }

  private static long lines(Path file) throws Exception {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> s = Files.lines(file)) {
      return s.count();
    }
  }

  private static void waitForLines(Path out, long atLeast, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (lines(out) < atLeast) {
      assertTrue(p.isAlive(), "the child ended before it was killed");
      assertTrue(System.nanoTime() < deadline, "no progress within a minute");
      Thread.sleep(20);
    }
  }

  @Test
  void killedWithSigkillAndRerunEveryPromptIsWrittenOnceAndNoReceivedReplyIsPaidTwice() throws Exception {
    server.script(call -> Reply.delayed(LATENCY, Reply.echo()));
    Path in = CompleteCommandTest.prompts(dir, PROMPTS);
    Path out = dir.resolve("completions.jsonl");

    Process first = complete(in, out).start();
    waitForLines(out, PROMPTS / 3, first);
    long killedAt = System.nanoTime();
    first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    long doneBeforeKill = lines(out);
    assertTrue(doneBeforeKill < PROMPTS, "killed mid-run");

    Process second = complete(in, out).start();
    assertTrue(second.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, second.exitValue(), Files.readString(dir.resolve("stderr.txt")));

    Map<String, JsonNode> written = CompleteCommandTest.records(out);
    assertEquals(PROMPTS, written.size(), "every prompt exactly once");
    assertTrue(written.values().stream().allMatch(n -> n.get("status").asText().equals("done")));

    // A reply counts as received when the server got the call long enough before the kill to have answered it.
    long answeredBy = killedAt - LATENCY.toNanos() - TimeUnit.MILLISECONDS.toNanos(500);
    int repeatedInFlight = 0;
    for (int i = 0; i < PROMPTS; i++) {
      String text = "question " + i;
      List<ScriptedServer.Logged> calls = server.log().stream().filter(l -> l.userText().equals(text)).toList();
      assertTrue(calls.size() >= 1 && calls.size() <= 2, text + " called " + calls.size() + " times");
      if (calls.size() == 2) {
        repeatedInFlight++;
        assertTrue(calls.get(0).nanos() > answeredBy, text + " was answered before the kill yet called again");
      }
    }
    assertTrue(repeatedInFlight <= CONCURRENCY, "only calls in flight at the kill may repeat: " + repeatedInFlight);
  }

  @Test
  void terminatedItStopsCleanlyAndSaysHowToResume() throws Exception {
    server.script(call -> Reply.delayed(LATENCY, Reply.echo()));
    Path in = CompleteCommandTest.prompts(dir, PROMPTS);
    Path out = dir.resolve("completions.jsonl");
    Process p = complete(in, out).start();
    waitForLines(out, 5, p);
    p.destroy(); // SIGTERM: the shutdown hook lets calls in flight finish
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String err = Files.readString(dir.resolve("stderr.txt"));
    assertTrue(err.contains("Rerun the same command to resume"), err);
    JsonNode manifest = Json.mapper().readTree(dir.resolve("manifest.json").toFile());
    assertEquals("interrupted", manifest.at("/stages/complete/status").asText());
    long kept = lines(out);
    assertEquals(kept, CompleteCommandTest.records(out).size(), "whole lines only");
    assertEquals(kept, server.log().size(), "every call that was answered was written");
  }

  @Test
  void theApiKeyAppearsInNoFileOutputOrMessage() throws Exception {
    String key = "sk-test-" + "9f8e7d6c5b4a3210";
    server.script(call -> !("Bearer " + key).equals(call.authorization())
        ? Reply.status(401)
        : call.userText().equals("question 2")
            ? Reply.raw(403, "{\"error\":\"key " + call.authorization() + " may not use this model\"}", "status")
            : Reply.echo());
    Path in = CompleteCommandTest.prompts(dir, 5);
    Path out = dir.resolve("completions.jsonl");
    ProcessBuilder builder = complete(in, out, "--api-key-env", "TEST_MODEL_KEY", "--debug");
    builder.environment().put("TEST_MODEL_KEY", key);
    Process p = builder.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(ExitCode.FAILURE, p.exitValue(), "the forbidden prompt failed");
    assertEquals(5, server.count(l -> ("Bearer " + key).equals(l.authorization())), "the key was sent");

    JsonNode failed = CompleteCommandTest.records(out).values().stream()
        .filter(n -> n.get("status").asText().equals("failed")).findFirst().orElseThrow();
    assertTrue(failed.get("error").asText().contains("HTTP 403"), failed.toString());
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.size() >= 5, "prompts, completions, manifest, cache, stdout, stderr: " + files);
    for (Path f : files) {
      String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      assertFalse(text.contains(key), "the key is in " + f.getFileName());
      assertFalse(text.contains("9f8e7d6c5b4a3210"), "part of the key is in " + f.getFileName());
    }
    assertTrue(Files.readString(dir.resolve("manifest.json")).contains("TEST_MODEL_KEY"), "the variable's name is recorded");
  }
}
