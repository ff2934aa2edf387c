package dev.deliberate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiChatModelTest {
  private final ScriptedServer server = ScriptedServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiChatModel model(String key, Duration timeout) {
    return new OpenAiChatModel("test", "m", List.of(URI.create(server.baseUrl())), key, timeout, 8);
  }

  private static ChatRequest ask(String text) {
    return ChatRequest.of(List.of(Message.user(text)));
  }

  @Test
  void sendsTheStandardFieldsAndPassesExtraFieldsThrough() throws Exception {
    ChatRequest request = new ChatRequest(List.of(Message.system("be brief"), Message.user("hi")), 2, 0.7, 0.9, 64, 42L,
        List.of("END"), Map.of("top_k", 20, "temperature", 0.1));
    JsonNode body = Json.mapper().readTree(model(null, Duration.ofSeconds(5)).requestBody(request));
    assertEquals("m", body.get("model").asText());
    assertEquals("system", body.get("messages").get(0).get("role").asText());
    assertEquals(2, body.get("n").asInt());
    assertEquals(0.9, body.get("top_p").asDouble());
    assertEquals(64, body.get("max_tokens").asInt());
    assertEquals(42, body.get("seed").asLong());
    assertEquals("END", body.get("stop").get(0).asText());
    assertEquals(20, body.get("top_k").asInt());
    assertEquals(0.1, body.get("temperature").asDouble(), "a pass-through field overrides the standard one");

    ChatResponse response = model(null, Duration.ofSeconds(5)).chat(request);
    assertEquals(2, response.choices().size());
    assertEquals("echo[1]: hi", response.choices().get(1).content());
    assertEquals("stop", response.choices().get(0).finishReason());
    assertEquals(4, response.usage().promptTokens());
  }

  @Test
  void readsReasoningFromEitherFieldOrFromThinkTags() {
    server.script(call -> switch (call.userText()) {
      case "a" -> ScriptedServer.Reply.withReasoning("reasoning_content", "thought A", "answer A");
      case "b" -> ScriptedServer.Reply.withReasoning("reasoning", "thought B", "answer B");
      case "c" -> ScriptedServer.Reply.content("<think>\nthought C\n</think>\n\nanswer C");
      default -> ScriptedServer.Reply.content("plain answer");
    });
    OpenAiChatModel model = model(null, Duration.ofSeconds(5));
    for (String k : List.of("a", "b", "c")) {
      ChatResponse.Choice choice = model.chat(ask(k)).choices().get(0);
      assertEquals("thought " + k.toUpperCase(), choice.reasoning(), k);
      assertEquals("answer " + k.toUpperCase(), choice.content(), k);
    }
    ChatResponse.Choice plain = model.chat(ask("d")).choices().get(0);
    assertEquals("", plain.reasoning());
    assertEquals("plain answer", plain.content());
  }

  @Test
  void mapsStatusesToRetriableOrNotAndReadsRetryAfter() {
    server.script(call -> switch (call.userText()) {
      case "429" -> ScriptedServer.Reply.status(429, Map.of("Retry-After", "3"));
      case "503" -> ScriptedServer.Reply.status(503);
      case "500" -> ScriptedServer.Reply.status(500);
      case "401" -> ScriptedServer.Reply.status(401);
      default -> ScriptedServer.Reply.status(400);
    });
    OpenAiChatModel model = model(null, Duration.ofSeconds(5));
    ModelFailures.HttpStatusException limited = assertThrows(ModelFailures.HttpStatusException.class, () -> model.chat(ask("429")));
    assertTrue(limited.retriable());
    assertEquals(Duration.ofSeconds(3), limited.retryAfter());
    assertTrue(assertThrows(ModelException.class, () -> model.chat(ask("503"))).retriable());
    assertTrue(assertThrows(ModelException.class, () -> model.chat(ask("500"))).retriable());
    ModelException bad = assertThrows(ModelException.class, () -> model.chat(ask("400")));
    assertFalse(bad.retriable());
    assertTrue(bad.getMessage().startsWith("HTTP 400 from " + server.baseUrl()), bad.getMessage());
    assertFalse(assertThrows(ModelException.class, () -> model.chat(ask("401"))).retriable());
  }

  @Test
  void llamaCppErrorBodiesBecomeOneLineInTheServersWordsAndItsValidation500IsNotRetried() throws Exception {
    String overflow = llamaCppReply("context-length-exceeded.400.json");
    String invalid = llamaCppReply("validation-error.500.json");
    server.script(call -> call.userText().equals("long")
        ? ScriptedServer.Reply.raw(400, overflow, "status") : ScriptedServer.Reply.raw(500, invalid, "status"));
    OpenAiChatModel model = model(null, Duration.ofSeconds(5));

    ModelException tooLong = assertThrows(ModelException.class, () -> model.chat(ask("long")));
    assertFalse(tooLong.retriable());
    assertTrue(tooLong.getMessage().startsWith("HTTP 400 from " + server.baseUrl() + ": This model's maximum context"
        + " length is 4096 tokens. However, you requested 5039 tokens"), tooLong.getMessage());
    assertTrue(tooLong.getMessage().contains("[context_length_exceeded]"), tooLong.getMessage());
    assertTrue(tooLong.getMessage().contains("do not fit the model's context window"), tooLong.getMessage());
    assertFalse(tooLong.getMessage().contains("{\"error\""), "the message, not the JSON around it");

    ModelException rejected = assertThrows(ModelException.class, () -> model.chat(ask("hot")));
    assertFalse(rejected.retriable(), "a request the server's validation rejects fails the same way every time");
    assertTrue(rejected.getMessage().contains("1 validation error"), rejected.getMessage());
    assertFalse(rejected.getMessage().contains("File \""), "no stack-trace location: " + rejected.getMessage());
    assertFalse(rejected.getMessage().contains("\n"));
    assertTrue(assertThrows(ModelException.class, () -> {
      server.script(call -> ScriptedServer.Reply.raw(500, "{\"error\":{\"message\":\"CUDA out of memory\"}}", "status"));
      model.chat(ask("other"));
    }).retriable(), "any other 500 may pass on a later try");
  }

  private static String llamaCppReply(String name) throws java.io.IOException {
    try (var in = OpenAiChatModelTest.class.getResourceAsStream("/llama-cpp-server/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void transportFaultsAndGarbledRepliesAreRetriableButIncompleteRepliesAreNot() {
    server.script(call -> switch (call.userText()) {
      case "reset" -> ScriptedServer.Reply.reset();
      case "truncated" -> ScriptedServer.Reply.truncated();
      case "malformed" -> ScriptedServer.Reply.malformed();
      case "slow" -> ScriptedServer.Reply.delayed(Duration.ofSeconds(3), ScriptedServer.Reply.echo());
      default -> ScriptedServer.Reply.incomplete();
    });
    OpenAiChatModel model = model(null, Duration.ofMillis(300));
    for (String fault : List.of("reset", "truncated", "malformed", "slow")) {
      ModelException e = assertThrows(ModelException.class, () -> model.chat(ask(fault)), fault);
      assertTrue(e.retriable(), fault + ": " + e.getMessage());
    }
    assertTrue(assertThrows(ModelException.class, () -> model.chat(ask("slow"))).getMessage().contains("within 300 ms"));
    ModelException incomplete = assertThrows(ModelException.class, () -> model.chat(ask("incomplete")));
    assertFalse(incomplete.retriable());
    assertTrue(incomplete.getMessage().contains("'choices'"), incomplete.getMessage());
  }

  @Test
  void sendsTheKeyAsBearerTokenAndNeverRepeatsItInAnError() {
    String key = "sk-test-0123456789secret";
    server.script(call -> ScriptedServer.Reply.raw(401, "{\"error\":\"bad key " + call.authorization() + "\"}", "status"));
    OpenAiChatModel model = model(key, Duration.ofSeconds(5));
    ModelException e = assertThrows(ModelException.class, () -> model.chat(ask("hello")));
    assertEquals("Bearer " + key, server.log().get(0).authorization());
    assertFalse(e.getMessage().contains(key), e.getMessage());
    assertTrue(e.getMessage().contains("[redacted]"));
    assertFalse(model.toString().contains(key));
    assertFalse(model.id().contains(key));
  }

  @Test
  void noKeyMeansNoAuthorizationHeader() {
    model(null, Duration.ofSeconds(5)).chat(ask("hello"));
    assertNull(server.log().get(0).authorization());
  }

  @Test
  void spreadsRequestsOverEndpointsByFewestInFlight() throws Exception {
    try (ScriptedServer second = ScriptedServer.start()) {
      ScriptedServer.Reply slow = ScriptedServer.Reply.delayed(Duration.ofMillis(200), ScriptedServer.Reply.echo());
      server.script(call -> slow);
      second.script(call -> slow);
      OpenAiChatModel model = new OpenAiChatModel("two", "m",
          List.of(URI.create(server.baseUrl()), URI.create(second.baseUrl())), null, Duration.ofSeconds(5), 8);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<ChatResponse>> futures = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
          int k = i;
          futures.add(pool.submit(() -> model.chat(ask("q" + k))));
        }
        for (Future<ChatResponse> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      assertEquals(4, server.log().size(), "eight concurrent calls split evenly");
      assertEquals(4, second.log().size());
    }
  }
}
