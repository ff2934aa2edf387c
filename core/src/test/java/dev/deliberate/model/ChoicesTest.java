package dev.deliberate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.deliberate.data.Message;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChoicesTest {
  private final ScriptedServer server = ScriptedServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiChatModel model() {
    return new OpenAiChatModel("test", "m", List.of(URI.create(server.baseUrl())), null, Duration.ofSeconds(5), 4);
  }

  private static ChatRequest ask(int n, Long seed) {
    return new ChatRequest(List.of(Message.user("hi")), n, 0.8, null, 16, seed, List.of(), Map.of());
  }

  @Test
  void aServerThatIgnoresNIsAskedForTheRestWithTheNextSeeds() {
    // llama.cpp's Python server drops n from the request and always returns one choice, numbered 0.
    server.script(call -> ScriptedServer.Reply.likeLlamaCpp("stop"));
    ChatResponse response = Choices.collect(model(), ask(3, 7L));

    assertEquals(List.of("seed 7: hi", "seed 8: hi", "seed 9: hi"),
        response.choices().stream().map(ChatResponse.Choice::content).toList());
    assertEquals(List.of(0, 1, 2), response.choices().stream().map(ChatResponse.Choice::index).toList());
    assertEquals(List.of(3, 2, 1), server.log().stream().map(l -> l.body().path("n").asInt(1)).toList(),
        "each further request asks only for what is still missing");
    assertEquals(new ChatResponse.Usage(3 * 10, 3 * 5), response.usage(), "the usage of all three requests");
  }

  @Test
  void withoutASeedTheFurtherRequestsCarryNoneEither() {
    server.script(call -> ScriptedServer.Reply.likeLlamaCpp("length"));
    ChatResponse response = Choices.collect(model(), ask(2, null));

    assertEquals(2, response.choices().size());
    assertEquals("length", response.choices().get(1).finishReason());
    server.log().forEach(l -> assertFalse(l.body().has("seed")));
  }

  @Test
  void aServerThatHonoursNIsAskedOnceAndExtraChoicesAreDropped() {
    Choices.collect(model(), ask(2, 1L));
    assertEquals(1, server.log().size());

    server.script(call -> ScriptedServer.Reply.content("same"));
    // A server answering n=1 with more choices than asked: only the first is kept.
    ChatResponse one = Choices.collect(new ChatModel() {
      @Override
      public String id() {
        return "more";
      }

      @Override
      public ChatResponse chat(ChatRequest request) {
        return model().chat(request.withN(3));
      }
    }, ask(1, 1L));
    assertEquals(1, one.choices().size());
  }
}
