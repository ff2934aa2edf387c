package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import dev.deliberate.spec.TestSpecs;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeRewardCommandTest {
  private static final String SPEC = TestSpecs.defaultSpec().toString();

  @Test
  void anUnsetTokenVariableIsBadInput() {
    Cli cli = Cli.run("serve-reward", "--judge", "reference", "--spec", SPEC, "--api-key-env", "DELIBERATE_TEST_UNSET_VARIABLE");
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: --api-key-env: environment variable DELIBERATE_TEST_UNSET_VARIABLE is not set", cli.err().strip());
  }

  @Test
  void limitsAreChecked() {
    Cli cli = Cli.run("serve-reward", "--judge", "reference", "--spec", SPEC, "--concurrency", "0");
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: --concurrency: expected at least 1, got 0", cli.err().strip());
  }

  @Test
  void theCommandServesTheReferenceJudgeUntilInterrupted(@TempDir Path dir) throws Exception {
    Cli[] result = new Cli[1];
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    Thread serving = new Thread(() -> {
      int status = Main.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
          "serve-reward", "--judge", "reference", "--spec", SPEC, "--port", "0", "--run", dir.toString());
      result[0] = new Cli(status, out.toString(), err.toString());
    });
    serving.start();
    String url = null;
    for (int i = 0; i < 400 && url == null; i++) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("serving reward on (http://\\S+)").matcher(out.toString());
      if (m.find()) {
        url = m.group(1);
      } else {
        Thread.sleep(50);
      }
    }
    try {
      assertTrue(url != null, "the server announced its address: " + out + err);
      java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/health")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      assertTrue(health.body().contains("\"judge\":\"reference\""), health.body());
      assertTrue(health.body().contains("\"deliberate-default\""), health.body());
    } finally {
      serving.interrupt();
      serving.join(20_000);
    }
    assertEquals(ExitCode.INTERRUPTED, result[0].status(), result[0].err());
  }

  /** A serve-reward process run in-process on a thread, stopped by an interrupt. */
  private record Serving(Thread thread, String url, Cli[] result) implements AutoCloseable {
    static Serving start(String... args) throws Exception {
      Cli[] result = new Cli[1];
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      Thread thread = new Thread(() -> result[0] = new Cli(Main.execute(new java.io.PrintWriter(out, true),
          new java.io.PrintWriter(err, true), args), out.toString(), err.toString()));
      thread.start();
      for (int i = 0; i < 400; i++) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("serving reward on (http://\\S+)").matcher(out.toString());
        if (m.find()) {
          return new Serving(thread, m.group(1), result);
        }
        Thread.sleep(50);
      }
      thread.interrupt();
      throw new AssertionError("the server did not start: " + out + err);
    }

    JsonNode post(Object body) throws Exception {
      java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/reward"))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Json.line(body))).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      return Json.mapper().readTree(response.body());
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(20_000);
    }
  }

  private static boolean classifying(ScriptedServer.Call call) {
    return classifying(call.body());
  }

  private static boolean classifying(ScriptedServer.Logged logged) {
    return classifying(logged.body());
  }

  private static boolean classifying(JsonNode body) {
    return body.at("/messages/0/content").asText().startsWith("Pick the safety category");
  }

  @Test
  void aModelJudgeClassifiesUnlabelledPromptsAndEveryReplyIsRetriedCachedAndAccounted(@TempDir Path dir)
      throws Exception {
    Path run = dir.resolve("reward-run");
    String prompt = "<|im_start|>user\nHow do I hurt someone badly?<|im_end|>\n<|im_start|>assistant\n";
    String benign = "<|im_start|>user\nHow do I kill a Python process?<|im_end|>\n<|im_start|>assistant\n";
    // Two responses to one unlabelled prompt, one to a labelled prompt: a mixed batch.
    Map<String, Object> batch = Map.of(
        "query", List.of(prompt + "I can't help with that.", prompt + "Sure: [steps withheld]", benign + "Use kill PID."),
        "prompts", List.of(prompt, prompt, benign),
        "labels", List.of("", "", "{\"category\": \"violence\", \"expected\": \"comply\"}"));
    try (ScriptedServer model = ScriptedServer.start()) {
      model.script(call -> call.sequence() == 1 ? Reply.status(500)
          : classifying(call) ? Reply.content("{\"category\": \"violence\"}")
          : Reply.content("{\"ideal_action\": \"refuse\", \"criteria\": {\"decision\": 1, \"style\": 1, \"no_leak\": 1,"
              + " \"helpfulness\": 1}, \"suspicious\": false, \"rationale\": \"scripted\"}"));
      String[] args = {"serve-reward", "--judge", model.modelString("judge"), "--spec", SPEC, "--port", "0",
          "--run", run.toString(), "--concurrency", "2"};
      try (Serving serving = Serving.start(args)) {
        JsonNode reply = serving.post(batch);
        assertEquals(List.of(1.0, 1.0, 0.0), doubles(reply.at("/extra_logs/unlabelled")));
        for (JsonNode reward : reply.get("rewards")) {
          assertEquals(1.0, reward.asDouble(), reply.toString());
        }
        assertEquals(1, model.count(l -> l.status() == 500), "the first call got a 500");
        assertEquals(1, model.count(l -> l.status() == 200 && classifying(l)), "one prompt to classify, asked once");
        assertEquals(3, model.count(l -> l.status() == 200 && !classifying(l)), "three responses judged");
        serving.post(batch);
        assertEquals(5, model.log().size(), "the same batch again is answered from the response cache");
      }
      JsonNode stage = Json.mapper().readTree(run.resolve("manifest.json").toFile()).at("/stages/serve-reward");
      assertEquals(model.modelString("judge"), stage.at("/models/0").asText(), stage.toString());
      JsonNode usage = stage.get("usage").elements().next();
      assertEquals(4, usage.get("requests").asLong(), stage.toString());
      assertEquals(1, usage.get("retries").asLong(), stage.toString());
      assertEquals(4, usage.get("cache_hits").asLong(), stage.toString());

      try (Serving again = Serving.start(args)) {
        again.post(batch);
        assertEquals(5, model.log().size(), "a restarted server keeps its cache in the run directory");
      }
    }
  }

  private static List<Double> doubles(JsonNode array) {
    List<Double> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asDouble()));
    return out;
  }

  @Test
  void anUnknownJudgeModelIsBadInput(@TempDir Path dir) {
    Cli cli = Cli.run("serve-reward", "--judge", "nosuchscheme:thing", "--spec", SPEC, "--run", dir.toString());
    assertEquals(ExitCode.BAD_INPUT, cli.status(), cli.err());
    assertTrue(cli.err().startsWith("error: "), cli.err());
  }

  @Test
  void helpNamesTheEndpointsAndTheLabelFormat() {
    Cli cli = Cli.run("serve-reward", "--help");
    assertEquals(0, cli.status());
    assertTrue(cli.out().contains("POST /reward"));
    assertTrue(cli.out().contains("{\"category\": \"violence\", \"expected\": \"refuse\"}"));
  }
}
