package dev.deliberate.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.data.Message;
import dev.deliberate.io.Json;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.OpenAiChatModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the server puts on the wire for a service's choices, and how it turns requests away when full. */
class ChatCompletionsServerWireTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ChatCompletionsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static final String HI = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]%s}";

  @Test
  void theChainOfThoughtIsInReasoningContentNeverInContent() throws Exception {
    AtomicReference<ChatRequest> seen = new AtomicReference<>();
    server = ChatCompletionsServer.start("m", (id, request, metadata) -> {
      seen.set(request);
      return new ChatResponse(List.of(new ChatResponse.Choice(0, "The user greets me.", "Hello!", "stop")),
          new ChatResponse.Usage(7, 5));
    }, null, ChatCompletionsServer.Options.defaults().withPort(0), line -> {});
    JsonNode reply = Json.mapper().readTree(post(HI.formatted(", \"stop\": \"x\", \"seed\": 4, \"top_p\": 0.5,"
        + " \"max_completion_tokens\": 9, \"n\": 1")).body());
    assertEquals("chat.completion", reply.path("object").asText());
    assertEquals("Hello!", reply.at("/choices/0/message/content").asText());
    assertEquals("The user greets me.", reply.at("/choices/0/message/reasoning_content").asText());
    assertEquals("assistant", reply.at("/choices/0/message/role").asText());
    assertEquals(12, reply.at("/usage/total_tokens").asInt());
    assertEquals(new ChatRequest(List.of(Message.user("Hi")), 1, null, 0.5, 9, 4L, List.of("x"), java.util.Map.of()),
        seen.get(), "what the request asked for reaches the service");

    String stream = post(HI.formatted(", \"stream\": true")).body();
    assertTrue(stream.contains("\"delta\":{\"reasoning_content\":\"The user greets me.\"}"), stream);
    assertTrue(stream.contains("\"delta\":{\"content\":\"Hello!\"}"), stream);
    assertFalse(stream.contains("\"content\":\"The user greets me."), stream);
    assertTrue(stream.endsWith("data: [DONE]\n\n"), stream);

    ChatResponse parsed = new OpenAiChatModel("c", "m", List.of(URI.create(server.baseUrl())), null,
        Duration.ofSeconds(30), 4).chat(ChatRequest.of(List.of(Message.user("Hi"))));
    assertEquals("The user greets me.", parsed.choices().get(0).reasoning());
    assertEquals("Hello!", parsed.choices().get(0).content());
  }

  @Test
  void aStreamingServiceSendsEachPieceAsItIsWrittenWithTheChainOfThoughtApartFromTheAnswer() throws Exception {
    CountDownLatch clientSawHel = new CountDownLatch(1);
    AtomicReference<Boolean> seenWhileWriting = new AtomicReference<>();
    String[] pieces = {"<thi", "nk>The user", " greets me.</th", "ink>Hel", "lo", " there!"};
    server = ChatCompletionsServer.start("m", StreamingChatService.of((id, request, metadata) -> {
      throw new AssertionError("a streamed request is not answered whole");
    }, (request, listener) -> {
      StringBuilder text = new StringBuilder();
      for (String piece : pieces) {
        text.append(piece);
        listener.text(0, text.toString(), false);
        if (piece.equals("lo")) {
          try {
            seenWhileWriting.set(clientSawHel.await(20, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      listener.text(0, text.toString(), true);
      return new ChatResponse(List.of(new ChatResponse.Choice(0, "The user greets me.", "Hello there!", "stop")),
          new ChatResponse.Usage(3, 6));
    }), null, ChatCompletionsServer.Options.defaults().withPort(0), line -> {});
    HttpResponse<java.util.stream.Stream<String>> response = http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions")).timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(HI.formatted(
                ", \"stream\": true, \"stream_options\": {\"include_usage\": true}"))).build(),
        HttpResponse.BodyHandlers.ofLines());
    List<JsonNode> chunks = new java.util.ArrayList<>();
    String last = null;
    for (String line : (Iterable<String>) response.body()::iterator) {
      if (line.isEmpty()) {
        continue;
      }
      last = line;
      if (line.equals("data: [DONE]")) {
        break;
      }
      JsonNode chunk = Json.mapper().readTree(line.substring("data: ".length()));
      chunks.add(chunk);
      if (chunk.at("/choices/0/delta/content").asText("").contains("Hel")) {
        clientSawHel.countDown();
      }
    }
    assertEquals("data: [DONE]", last);
    assertEquals(Boolean.TRUE, seenWhileWriting.get(), "the client read the first answer text while the rest was unwritten");
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    for (JsonNode chunk : chunks.subList(0, chunks.size() - 1)) {
      JsonNode delta = chunk.at("/choices/0/delta");
      String c = delta.path("content").asText("");
      String r = delta.path("reasoning_content").asText("");
      assertFalse(c.contains("user") || c.contains("<"), "no reasoning or tag in content: " + chunk);
      assertFalse(r.contains("Hel") || r.contains("<"), "no answer or tag in reasoning: " + chunk);
      content.append(c);
      reasoning.append(r);
    }
    assertEquals("Hello there!", content.toString());
    assertEquals("The user greets me.", reasoning.toString());
    assertEquals("stop", chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText());
    assertEquals(9, chunks.get(chunks.size() - 1).at("/usage/total_tokens").asInt(), "the usage chunk at the end");
  }

  @Test
  void aModelFailureMidStreamEndsTheStreamWithAnErrorEvent() throws Exception {
    server = ChatCompletionsServer.start("m", StreamingChatService.of((id, request, metadata) -> {
      throw new AssertionError("a streamed request is not answered whole");
    }, (request, listener) -> {
      listener.text(0, "Hello", false);
      throw new dev.deliberate.model.ModelException("the sampler ran out of memory", false, null);
    }), null, ChatCompletionsServer.Options.defaults().withPort(0), line -> {});
    String stream = post(HI.formatted(", \"stream\": true")).body();
    assertTrue(stream.contains("\"delta\":{\"content\":\"Hello\"}"), stream);
    String last = stream.strip().lines().reduce((a, b) -> b).orElse("");
    assertEquals("the model call failed: the sampler ran out of memory",
        Json.mapper().readTree(last.substring("data: ".length())).at("/error/message").asText(), stream);
    assertFalse(stream.contains("[DONE]"), "a failed stream does not claim to be complete: " + stream);
  }

  @Test
  void beyondTheQueueRequestsGet503WithRetryAfter() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    server = ChatCompletionsServer.start("m", (id, request, metadata) -> {
      entered.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new ChatResponse(List.of(new ChatResponse.Choice(0, "", "ok", "stop")), ChatResponse.Usage.NONE);
    }, null, new ChatCompletionsServer.Options("127.0.0.1", 0, 1 << 20, 1, 0, 8, 2048, null), line -> {});
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
      try {
        return post(HI.formatted(""));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(entered.await(20, TimeUnit.SECONDS));
    HttpResponse<String> busy = post(HI.formatted(""));
    assertEquals(503, busy.statusCode(), busy.body());
    assertEquals("1", busy.headers().firstValue("Retry-After").orElse(""));
    assertTrue(Json.mapper().readTree(busy.body()).at("/error/message").asText()
        .startsWith("busy: 1 requests in progress and 0 waiting"), busy.body());
    release.countDown();
    assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
  }
}
