package dev.deliberate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.data.Message;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseCacheTest {
  @TempDir Path dir;

  private static ChatResponse reply(String text) {
    return new ChatResponse(List.of(new ChatResponse.Choice(0, "why", text, "stop")), new ChatResponse.Usage(3, 4));
  }

  @Test
  void theKeyCoversModelRequestSeedAndSample() {
    ChatRequest r = ChatRequest.of(List.of(Message.user("hi")));
    String base = ResponseCache.key("m", r, 0);
    assertEquals(base, ResponseCache.key("m", ChatRequest.of(List.of(Message.user("hi"))), 0));
    assertNotEquals(base, ResponseCache.key("m2", r, 0));
    assertNotEquals(base, ResponseCache.key("m", r, 1));
    assertNotEquals(base, ResponseCache.key("m", r.withSeed(1L), 0));
    assertNotEquals(base, ResponseCache.key("m", r.withTemperature(0.5), 0));
  }

  @Test
  void repliesRoundTripAndTheFirstWriterWins() {
    try (ResponseCache cache = ResponseCache.open(dir.resolve("c.sqlite"))) {
      ChatRequest r = ChatRequest.of(List.of(Message.user("hi")));
      cache.put("k", "m", r, 0, reply("first"));
      cache.put("k", "m", r, 0, reply("second"));
      assertEquals(reply("first"), cache.get("k").orElseThrow());
      assertTrue(cache.get("other").isEmpty());
    }
  }

  @Test
  void aRemovedReplyIsGoneForEveryConnectionAndCanBeStoredAgain() {
    Path file = dir.resolve("c.sqlite");
    ChatRequest r = ChatRequest.of(List.of(Message.user("hi")));
    try (ResponseCache cache = ResponseCache.open(file); ResponseCache other = ResponseCache.open(file)) {
      cache.put("k", "m", r, 0, reply("unusable"));
      cache.remove("k");
      assertTrue(other.get("k").isEmpty(), "committed when remove returns");
      cache.remove("never-stored");
      cache.put("k", "m", r, 0, reply("usable"));
      assertEquals(reply("usable"), other.get("k").orElseThrow());
    }
  }

  @Test
  void aPutIsCommittedWhenItReturns() {
    Path file = dir.resolve("c.sqlite");
    ChatRequest r = ChatRequest.of(List.of(Message.user("hi")));
    try (ResponseCache writer = ResponseCache.open(file); ResponseCache other = ResponseCache.open(file)) {
      writer.put("k", "m", r, 0, reply("committed"));
      assertEquals(reply("committed"), other.get("k").orElseThrow(), "another connection (or process) sees it at once");
    }
  }

  @Test
  void twoConnectionsWritingAtOnceLoseNothing() throws Exception {
    Path file = dir.resolve("shared.sqlite");
    ChatRequest r = ChatRequest.of(List.of(Message.user("hi")));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (ResponseCache a = ResponseCache.open(file); ResponseCache b = ResponseCache.open(file)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int k = i;
        ResponseCache target = k % 2 == 0 ? a : b;
        futures.add(pool.submit(() -> target.put("k" + k, "m", r, k, reply("r" + k))));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    try (ResponseCache c = ResponseCache.open(file)) {
      assertEquals(200, c.size());
      assertEquals(reply("r17"), c.get("k17").orElseThrow());
    }
  }
}
