package dev.deliberate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.data.Message;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import dev.deliberate.model.ModelOptions;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCallerTest {
  private final ScriptedServer server = ScriptedServer.start();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final Sleeper recording = waits::add;
  private final Accounting accounting = new Accounting(null);
  @TempDir Path dir;

  @AfterEach
  void stop() {
    server.close();
  }

  private ChatModel model() {
    return ModelResolver.standard().resolve(server.modelString("m"), ModelOptions.defaults().withTimeout(Duration.ofMillis(500)));
  }

  private ModelCaller caller(CallPolicy policy, ResponseCache cache) {
    return new ModelCaller(model(), cache, policy, accounting, recording, System::nanoTime, new Random(1));
  }

  private static ChatRequest ask(String text) {
    return ChatRequest.of(List.of(Message.user(text)));
  }

  @Test
  void retriesRetriableFailuresUntilTheCallSucceeds() {
    server.script(call -> call.attempt() == 1 ? Reply.status(503) : call.attempt() == 2 ? Reply.reset() : Reply.echo());
    ChatResponse r = caller(CallPolicy.defaults(), null).chat(ask("flaky"));
    assertEquals("echo: flaky", r.choices().get(0).content());
    assertEquals(3, server.log().size());
    assertEquals(2, waits.size());
    assertEquals(2, accounting.snapshot().get(model().id()).retries());
    assertEquals(1, accounting.snapshot().get(model().id()).requests());
  }

  @Test
  void zeroRetriesMeansExactlyOneTry() {
    server.script(call -> Reply.status(500));
    ModelException e = assertThrows(ModelException.class, () -> caller(CallPolicy.defaults().withMaxRetries(0), null).chat(ask("x")));
    assertEquals(1, server.log().size());
    assertTrue(e.getMessage().contains("gave up after 1 try"), e.getMessage());
    assertTrue(waits.isEmpty());
  }

  @Test
  void givesUpAfterMaxRetriesPlusOneTries() {
    server.script(call -> Reply.malformed());
    ModelException e = assertThrows(ModelException.class, () -> caller(CallPolicy.defaults().withMaxRetries(3), null).chat(ask("x")));
    assertEquals(4, server.log().size());
    assertTrue(e.getMessage().contains("gave up after 4 tries"), e.getMessage());
    assertEquals(1, accounting.snapshot().get(model().id()).failures());
  }

  @Test
  void aRequestErrorIsNotRetried() {
    server.script(call -> Reply.status(400));
    ModelException e = assertThrows(ModelException.class, () -> caller(CallPolicy.defaults(), null).chat(ask("x")));
    assertEquals(1, server.log().size());
    assertTrue(e.getMessage().contains("HTTP 400") && e.getMessage().contains("not retriable"), e.getMessage());
  }

  @Test
  void honoursRetryAfter() {
    server.script(call -> call.attempt() == 1 ? Reply.status(429, Map.of("Retry-After", "2")) : Reply.echo());
    caller(CallPolicy.defaults().withDelays(Duration.ofMillis(10), Duration.ofMillis(50)), null).chat(ask("x"));
    assertEquals(1, waits.size());
    assertTrue(waits.get(0).compareTo(Duration.ofSeconds(2)) >= 0, "waited " + waits.get(0));
    assertTrue(waits.get(0).compareTo(Duration.ofMillis(2200)) <= 0, "waited " + waits.get(0));
  }

  @Test
  void theStageRetryBudgetBoundsRetriesAcrossCalls() {
    server.script(call -> Reply.status(503));
    ModelCaller caller = caller(CallPolicy.defaults().withMaxRetries(10).withRetryBudget(3), null);
    assertThrows(ModelException.class, () -> caller.chat(ask("a")));
    ModelException second = assertThrows(ModelException.class, () -> caller.chat(ask("b")));
    assertTrue(second.getMessage().contains("retry budget of 3"), second.getMessage());
    assertEquals(3 + 2, server.log().size(), "three retries in all, plus each call's first try");
    assertEquals(0, caller.retryBudgetLeft());
  }

  @Test
  void aCacheHitMakesNoCallAndSamplesAreCachedApart() {
    try (ResponseCache cache = ResponseCache.open(dir.resolve("cache.sqlite"))) {
      ModelCaller caller = caller(CallPolicy.defaults(), cache);
      ChatResponse first = caller.chat(ask("x"), 0);
      ChatResponse again = caller.chat(ask("x"), 0);
      assertEquals(first, again);
      assertEquals(1, server.log().size());
      caller.chat(ask("x"), 1);
      caller.chat(ask("x").withSeed(7L), 0);
      assertEquals(3, server.log().size(), "another sample and another seed are other calls");
      assertEquals(1, accounting.snapshot().get(model().id()).cacheHits());
    }
    try (ResponseCache reopened = ResponseCache.open(dir.resolve("cache.sqlite"))) {
      caller(CallPolicy.defaults(), reopened).chat(ask("x"), 1);
      assertEquals(3, server.log().size(), "the cache outlives the process that filled it");
    }
  }

  @Test
  void countsTokensAndCostPerModel() {
    Accounting priced = new Accounting(new Accounting.Prices(Map.of(model().id(), new Accounting.Price(1.0, 2.0))));
    new ModelCaller(model(), null, CallPolicy.defaults(), priced).chat(ask("two words"));
    Accounting.ModelUsage u = priced.snapshot().get(model().id());
    assertEquals(5, u.promptTokens());
    assertEquals(3, u.completionTokens());
    assertEquals((5 * 1.0 + 3 * 2.0) / 1e6, u.costUsd(), 1e-12);
  }
}
