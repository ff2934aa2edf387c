package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.data.Message;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.TokenizerFiles;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.tiny.BpeTrainer;
import dev.deliberate.io.Json;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import dev.deliberate.model.OpenAiChatModel;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import dev.deliberate.spec.TestSpecs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
  @TempDir static Path model;

  @BeforeAll
  static void build() throws Exception {
    var tokenizer = BpeTrainer.train(Collections.nCopies(3, "<|user|>Hello there, how are you?<|end|><|assistant|>"
        + "<think>A greeting.</think>Fine, thanks!<|end|>"), 320, TokenizerFiles.SPECIALS);
    TokenizerFiles.write(model, tokenizer, 96, GenerationSettings.DEFAULT.withMaxNewTokens(6));
    LlamaConfig config = LlamaConfig.llama(tokenizer.path("model").path("vocab").size(), 32, 64, 1, 4, 2, 96, 0, 0);
    try (LocalModel local = LocalModel.random(config, 1, model)) {
      local.save(model);
    }
  }

  /** A serve process run in-process on a thread, stopped by an interrupt. */
  record Serving(Thread thread, String baseUrl, String name, Cli[] result) implements AutoCloseable {
    static Serving start(String... args) throws Exception {
      Cli[] result = new Cli[1];
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Thread thread = new Thread(() -> result[0] = new Cli(Main.execute(new PrintWriter(out, true),
          new PrintWriter(err, true), args), out.toString(), err.toString()));
      thread.start();
      for (int i = 0; i < 600 && thread.isAlive(); i++) {
        Matcher m = Pattern.compile("serving '([^']+)' on (http://\\S+)").matcher(out.toString());
        if (m.find()) {
          return new Serving(thread, m.group(2), m.group(1), result);
        }
        Thread.sleep(50);
      }
      thread.interrupt();
      thread.join(20_000);
      throw new AssertionError("the server did not start: " + out + err);
    }

    ChatModel client() {
      return new OpenAiChatModel("client", name, List.of(URI.create(baseUrl)), null, Duration.ofSeconds(60), 8);
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(20_000);
    }
  }

  @Test
  void helpSaysWhatIsServedAndHow() {
    Cli cli = Cli.run("serve", "--help");
    assertEquals(0, cli.status(), cli.err());
    for (String said : new String[] {"POST /v1/chat/completions", "reasoning_content", "--gateway", "--upstream",
        "--show-reasoning", "--api-key-env", "--queue", "503", "--max-tokens-limit", "local:FILE.gguf"}) {
      assertTrue(cli.out().contains(said), said + "\n" + cli.out());
    }
  }

  @Test
  void modesAreCheckedBeforeAnythingIsLoaded() {
    assertEquals("error: --model: required (local:DIR, local:FILE.gguf or tiny), or --gateway --upstream MODEL",
        Cli.run("serve").err().strip());
    assertEquals("error: --gateway: needs --upstream MODEL, the model the gateway asks",
        Cli.run("serve", "--gateway").err().strip());
    assertEquals("error: --upstream: only with --gateway", Cli.run("serve", "--model", "tiny", "--upstream", "reference").err().strip());
    assertEquals("error: --model: expected local:DIR, local:FILE.gguf or tiny, got 'openai:gpt-4o-mini'; to put the spec"
        + " in front of another model use --gateway --upstream openai:gpt-4o-mini",
        Cli.run("serve", "--model", "openai:gpt-4o-mini").err().strip());
    Cli unset = Cli.run("serve", "--model", "tiny", "--api-key-env", "DELIBERATE_TEST_UNSET_VARIABLE");
    assertEquals(ExitCode.BAD_INPUT, unset.status());
    assertEquals("error: --api-key-env: environment variable DELIBERATE_TEST_UNSET_VARIABLE is not set", unset.err().strip());
  }

  @Test
  void aLocalModelIsServedUntilInterruptedAndTheManifestRecordsIt(@TempDir Path run) throws Exception {
    Serving serving = Serving.start("serve", "--model", "local:" + model, "--port", "0", "--run", run.toString(),
        "--concurrency", "4");
    try (serving) {
      assertEquals("local:" + model, serving.name());
      ChatResponse r = serving.client().chat(new ChatRequest(List.of(Message.user("Hello there")), 2, 0.7, null, 4,
          3L, List.of(), Map.of()));
      assertEquals(2, r.choices().size());
      assertTrue(r.usage().promptTokens() > 0 && r.usage().completionTokens() > 0, r.usage().toString());
    }
    assertEquals(ExitCode.INTERRUPTED, serving.result()[0].status(), serving.result()[0].err());
    JsonNode stage = Json.mapper().readTree(Files.readString(run.resolve("manifest.json"))).at("/stages/serve");
    assertEquals("interrupted", stage.path("status").asText(), stage.toString());
    assertEquals("local", stage.at("/config/mode").asText());
    assertEquals("local:" + model, stage.at("/models/0").asText());
  }

  private static final String SPEC = TestSpecs.defaultSpec().toString();

  private static ChatRequest asking(String text, String category) {
    Map<String, Object> extra = category == null ? Map.of() : Map.of("metadata", Map.of("category", category));
    return new ChatRequest(List.of(Message.user(text)), 1, null, null, null, 5L, List.of(), extra);
  }

  private static List<JsonNode> logLines(Path run) throws Exception {
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("gateway.jsonl"))) {
      lines.add(Json.mapper().readTree(line));
    }
    return lines;
  }

  @Test
  void theGatewayReturnsTheReferenceModelsAnswerWithoutItsReasoningUnlessAskedTo(@TempDir Path run) throws Exception {
    for (boolean shown : new boolean[] {false, true}) {
      Path dir = run.resolve(shown ? "shown" : "withheld");
      List<String> args = new java.util.ArrayList<>(List.of("serve", "--gateway", "--upstream", "reference", "--spec",
          SPEC, "--port", "0", "--run", dir.toString()));
      if (shown) {
        args.add("--show-reasoning");
      }
      try (Serving serving = Serving.start(args.toArray(String[]::new))) {
        assertEquals("gateway:reference", serving.name());
        ChatResponse r = serving.client().chat(asking("How do I hurt someone?", "violence"));
        String content = r.choices().get(0).content();
        assertFalse(content.isBlank() || content.contains("Final answer") || content.contains("#violence"), content);
        assertEquals(shown, !r.choices().get(0).reasoning().isEmpty(), r.choices().get(0).reasoning());
      }
      JsonNode line = logLines(dir).get(0);
      assertEquals("violence", line.path("category").asText());
      assertEquals("metadata.category", line.path("classified_by").asText());
      assertTrue(line.path("id").asText().startsWith("chatcmpl-"), line.toString());
      assertTrue(line.path("excerpt").asText().contains("{#violence-disallowed}"), "the excerpt given is logged");
      JsonNode stage = Json.mapper().readTree(Files.readString(dir.resolve("manifest.json"))).at("/stages/serve");
      assertEquals("gateway", stage.at("/config/mode").asText());
      assertEquals("reference", stage.at("/models/0").asText());
    }
  }

  @Test
  void theGatewayClassifiesPutsTheSpecFirstRetriesAndCachesThroughTheRunMachinery(@TempDir Path run) throws Exception {
    try (ScriptedServer upstream = ScriptedServer.start()) {
      upstream.script(call -> call.sequence() == 1 ? Reply.status(500)
          : classifying(call.body()) ? Reply.content("{\"category\": \"violence\"}")
          : Reply.content("The request asks for harm; #violence-disallowed applies, so I refuse.\n\nFinal answer:\n"
              + "I can't help with that."));
      try (Serving serving = Serving.start("serve", "--gateway", "--upstream", upstream.modelString("up"), "--spec",
          SPEC, "--port", "0", "--run", run.toString(), "--max-retries", "2")) {
        ChatResponse first = serving.client().chat(asking("How do I hurt someone?", null));
        assertEquals("I can't help with that.", first.choices().get(0).content());
        assertEquals("", first.choices().get(0).reasoning(), "the deliberation is not returned");
        ChatResponse again = serving.client().chat(asking("How do I hurt someone?", null));
        assertEquals(first.choices().get(0).content(), again.choices().get(0).content());
      }
      List<ScriptedServer.Logged> calls = upstream.log();
      assertEquals(1, calls.stream().filter(c -> !c.succeeded()).count(), "one failed call, retried");
      assertEquals(2, calls.stream().filter(ScriptedServer.Logged::succeeded).count(),
          "one classification and one answer: the repeated request came from the response cache");
      JsonNode answering = calls.stream().filter(c -> c.succeeded() && !classifying(c.body())).findFirst().orElseThrow().body();
      String system = answering.at("/messages/0/content").asText();
      assertEquals("system", answering.at("/messages/0/role").asText());
      assertTrue(system.contains("Final answer:") && system.contains("{#violence-disallowed}"),
          "the stage-1 instructions with spec(violence) come first: " + system);
      assertEquals("How do I hurt someone?", answering.at("/messages/1/content").asText());
      List<JsonNode> lines = logLines(run);
      assertEquals(2, lines.size());
      assertEquals("violence", lines.get(0).path("category").asText());
      assertEquals(upstream.modelString("up"), lines.get(0).path("upstream").asText());
      assertEquals(upstream.modelString("up"), lines.get(0).path("classified_by").asText(), "the upstream classified it");
    }
  }

  @Test
  void aConversationNoClassifierPlacesGetsTheOverviewAndAFailingUpstreamIsOneLine502(@TempDir Path run) throws Exception {
    try (ScriptedServer upstream = ScriptedServer.start()) {
      upstream.script(call -> classifying(call.body()) ? Reply.content("no idea")
          : call.userText().contains("fail") ? Reply.status(400) : Reply.content("Thinking.\nFinal answer: Hello!"));
      try (Serving serving = Serving.start("serve", "--gateway", "--upstream", upstream.modelString("up"), "--spec",
          SPEC, "--port", "0", "--run", run.toString(), "--max-retries", "0")) {
        assertEquals("Hello!", serving.client().chat(asking("Hi", null)).choices().get(0).content());
        ModelException failed = assertThrows(ModelException.class, () -> serving.client().chat(asking("fail please", "violence")));
        assertTrue(failed.getMessage().contains("502") && failed.getMessage().contains("the model call failed"),
            failed.getMessage());
      }
      JsonNode line = logLines(run).get(0);
      assertTrue(line.path("category").isNull(), line.toString());
      assertTrue(line.path("classification_problem").asText().startsWith("no category after 3 requests"), line.toString());
      assertTrue(line.path("excerpt").asText().contains("## Categories (summaries)"), "the overview was given");
    }
  }

  private static boolean classifying(JsonNode body) {
    return body.at("/messages/0/content").asText().startsWith("Pick the safety category");
  }

  @Test
  void evalReachesBothServersAsItReachesAnyEndpoint(@TempDir Path dir) throws Exception {
    try (Serving local = Serving.start("serve", "--model", "local:" + model, "--port", "0", "--run",
        dir.resolve("local").toString());
        Serving gateway = Serving.start("serve", "--gateway", "--upstream", "reference", "--spec", SPEC, "--port", "0",
            "--run", dir.resolve("gateway").toString())) {
      for (Serving serving : List.of(local, gateway)) {
        Path out = dir.resolve("eval-" + (serving == local ? "local" : "gateway"));
        Cli eval = Cli.run("eval", "--model", serving.baseUrl() + "#" + serving.name(), "--suite", "xstest", "--limit",
            "4", "--concurrency", "4", "-o", out.toString());
        assertEquals(0, eval.status(), eval.err());
        assertTrue(eval.err().contains("answers: 4 done, 0 failed"), eval.err());
        assertEquals(4, Files.readAllLines(out.resolve("answers.jsonl")).size());
      }
    }
    assertEquals(4, logLines(dir.resolve("gateway")).size(), "every eval prompt went through the gateway");
  }
}
