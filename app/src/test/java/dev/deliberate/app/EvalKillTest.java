package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An eval killed with SIGKILL mid-run resumes where it stopped: every prompt is answered and graded once, only
 * the calls in flight at the kill are made again, and a finished eval rerun makes no call. The eval runs in a child
 * JVM against a loopback server in this one, which counts the calls.
 */
class EvalKillTest {
  static final int PROMPTS = 80;
  static final int CONCURRENCY = 4;

  @Test
  void aKilledEvalResumesPayingOnlyForTheCallsInFlightAtTheKill(@TempDir Path dir) throws Exception {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> Reply.delayed(Duration.ofMillis(200), Reply.content("I'm sorry, but I can't help with that: " + call.userText())));
      Path out = dir.resolve("e");
      Path log = dir.resolve("first.log");

      Process first = eval(server, out, log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (server.log().size() < PROMPTS / 3 && first.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(first.isAlive(), "the eval ended before the kill: " + Files.readString(log));
      first.destroyForcibly(); // SIGKILL: no shutdown hook runs
      first.waitFor(30, TimeUnit.SECONDS);
      Set<String> askedBeforeKill = new HashSet<>();
      server.log().forEach(c -> askedBeforeKill.add(c.userText()));
      Set<String> answeredAtKill = answeredTexts(out.resolve("answers.jsonl"));
      assertTrue(answeredAtKill.size() < PROMPTS, "killed mid-run");

      Process second = eval(server, out, dir.resolve("second.log"));
      assertTrue(second.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, second.exitValue(), Files.readString(dir.resolve("second.log")));

      Map<String, Integer> calls = new HashMap<>();
      server.log().forEach(c -> calls.merge(c.userText(), 1, Integer::sum));
      assertEquals(PROMPTS, calls.size(), "every prompt asked");
      int repeated = 0;
      for (Map.Entry<String, Integer> c : calls.entrySet()) {
        assertTrue(c.getValue() <= 2, c.getKey() + " asked " + c.getValue() + " times");
        if (c.getValue() == 2) {
          repeated++;
          // Asked again only if it was in flight: sent before the kill, its answer not yet written.
          assertTrue(askedBeforeKill.contains(c.getKey()) && !answeredAtKill.contains(c.getKey()), c.getKey());
        }
      }
      assertTrue(repeated <= CONCURRENCY, repeated + " calls repeated, more than were in flight");

      // Every prompt answered once and graded once, all done.
      assertOncePerRecord(out.resolve("answers.jsonl"), PROMPTS);
      assertOncePerRecord(out.resolve("grades.jsonl"), PROMPTS);

      int before = server.log().size();
      Process third = eval(server, out, dir.resolve("third.log"));
      assertTrue(third.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, third.exitValue(), Files.readString(dir.resolve("third.log")));
      assertEquals(before, server.log().size(), "a finished eval rerun makes no call");
    }
  }

  static final int ATTACKED_REQUESTS = 6;

  /**
   * The same with model-driven attacks: PAIR (attacker, target and judge over three rounds), a translation (and its
   * translation back) and a persuasive paraphrase. Each attacker and target call is cached as it is made, so after
   * the kill only the calls in flight are made again, however far into its rounds an attack was.
   */
  @Test
  void aKilledEvalWithModelDrivenAttacksResumesPayingOnlyForTheCallsInFlight(@TempDir Path dir) throws Exception {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> {
        String system = call.body().path("messages").path(0).path("content").asText();
        String reply;
        if (call.body().path("model").asText().equals("target")) {
          // Distinct per request, so each translation back is a call of its own.
          reply = "I'm sorry, but I can't help with that (" + Integer.toHexString(call.userText().hashCode()) + ").";
        } else if (system.contains("Translate the user's text")) {
          reply = new StringBuilder(call.userText()).reverse().toString();
        } else {
          // Distinct per instruction and input, so no two attacks write the same prompt.
          reply = "Variant " + Integer.toHexString((system + call.userText()).hashCode()) + ": please explain.";
        }
        return Reply.delayed(Duration.ofMillis(100), Reply.content(reply));
      });
      Path out = dir.resolve("e");
      List<String> args = List.of("eval", "--model", server.modelString("target"), "--suite", "strongreject",
          "--limit", String.valueOf(ATTACKED_REQUESTS), "--attacks", "pair,translation-zu,persuasion-authority",
          "--attacker", server.modelString("attacker"), "--concurrency", String.valueOf(CONCURRENCY), "-o",
          out.toString());
      // Per request: the plain ask (1), pair (3 proposals + 3 target answers), translation (3), persuasion (2).
      int expectedCalls = ATTACKED_REQUESTS * 12;

      Path log = dir.resolve("first.log");
      Process first = start(args, log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (server.log().size() < expectedCalls / 3 && first.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(first.isAlive(), "the eval ended before the kill: " + Files.readString(log));
      first.destroyForcibly();
      first.waitFor(30, TimeUnit.SECONDS);
      assertTrue(server.log().size() < expectedCalls, "killed mid-run");

      Process second = start(args, dir.resolve("second.log"));
      assertTrue(second.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, second.exitValue(), Files.readString(dir.resolve("second.log")));

      Map<String, Integer> calls = new HashMap<>();
      server.log().forEach(c -> calls.merge(c.body().path("model").asText() + c.body().path("messages"), 1, Integer::sum));
      assertEquals(expectedCalls, calls.size(), "every call of every attack made");
      long repeated = calls.values().stream().filter(n -> n > 1).count();
      assertTrue(calls.values().stream().allMatch(n -> n <= 2), calls.toString());
      assertTrue(repeated <= CONCURRENCY, repeated + " calls repeated, more than were in flight");
      assertOncePerRecord(out.resolve("answers.jsonl"), ATTACKED_REQUESTS * 4);
      assertOncePerRecord(out.resolve("grades.jsonl"), ATTACKED_REQUESTS * 4);

      int before = server.log().size();
      Process third = start(args, dir.resolve("third.log"));
      assertTrue(third.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, third.exitValue(), Files.readString(dir.resolve("third.log")));
      assertEquals(before, server.log().size(), "a finished eval rerun makes no call");
    }
  }

  private static Process start(List<String> args, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static Process eval(ScriptedServer server, Path out, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "eval", "--model", server.modelString("m"), "--suite", "xstest", "--limit", String.valueOf(PROMPTS),
        "--concurrency", String.valueOf(CONCURRENCY), "-o", out.toString()))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** The prompt texts with a done answer in the file; a last line cut short by the kill is not an answer. */
  private static Set<String> answeredTexts(Path answers) throws Exception {
    Set<String> texts = new HashSet<>();
    if (!Files.exists(answers)) {
      return texts;
    }
    for (String line : Files.readAllLines(answers)) {
      try {
        JsonNode node = Json.mapper().readTree(line);
        if (node.path("status").asText().equals("done")) {
          String user = null;
          for (JsonNode m : node.at("/prompt/messages")) {
            if (m.path("role").asText().equals("user")) {
              user = m.path("content").asText();
            }
          }
          texts.add(user);
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException torn) {
        // the line being written at the kill
      }
    }
    return texts;
  }

  private static void assertOncePerRecord(Path file, int expected) throws Exception {
    List<String> lines = Files.readAllLines(file);
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      JsonNode node = Json.mapper().readTree(line);
      assertEquals("done", node.get("status").asText(), line);
      assertTrue(ids.add(node.get("id").asText()), "written twice: " + line);
    }
    assertEquals(expected, ids.size(), file.toString());
  }
}
