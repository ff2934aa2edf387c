package dev.deliberate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.data.Message;
import dev.deliberate.model.BatchChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BatchingChatModelTest {
  /** Answers each request with its own text and records the size of every batch it was asked. */
  static final class Recording implements BatchChatModel {
    final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String id() {
      return "recording";
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
      return chatAll(List.of(request)).get(0);
    }

    @Override
    public List<ChatResponse> chatAll(List<ChatRequest> requests) {
      batches.add(requests.size());
      if (requests.size() > 1 && requests.stream().anyMatch(r -> text(r).equals("too long"))) {
        throw new ModelException("recording: a prompt is longer than the context", false);
      }
      if (text(requests.get(0)).equals("too long")) {
        throw new ModelException("recording: the prompt is longer than the context", false);
      }
      return requests.stream().map(r -> new ChatResponse(List.of(new ChatResponse.Choice(0, "", "re: " + text(r), "stop")),
          ChatResponse.Usage.NONE)).toList();
    }

    static String text(ChatRequest r) {
      return r.messages().get(r.messages().size() - 1).content();
    }
  }

  static List<Future<ChatResponse>> askConcurrently(BatchingChatModel model, List<String> texts) {
    ExecutorService pool = Executors.newFixedThreadPool(texts.size());
    List<Future<ChatResponse>> out = new ArrayList<>();
    for (String t : texts) {
      out.add(pool.submit(() -> model.chat(ChatRequest.of(List.of(Message.user(t))))));
    }
    pool.shutdown();
    return out;
  }

  @Test
  void concurrentCallersAreAnsweredInOneBatchEachWithItsOwnResponse() throws Exception {
    Recording backend = new Recording();
    // A long linger: the batch must start because it is full, not because the wait ran out.
    BatchingChatModel model = new BatchingChatModel(backend, 4, Duration.ofMinutes(5));
    List<String> texts = List.of("a", "b", "c", "d");
    List<Future<ChatResponse>> answers = askConcurrently(model, texts);
    for (int i = 0; i < texts.size(); i++) {
      assertEquals("re: " + texts.get(i), answers.get(i).get().choices().get(0).content());
    }
    assertEquals(List.of(4), backend.batches);
  }

  @Test
  void aPartialBatchRunsOnceTheLingerHasPassed() throws Exception {
    Recording backend = new Recording();
    BatchingChatModel model = new BatchingChatModel(backend, 8, Duration.ofMillis(20));
    assertEquals("re: alone", model.chat(ChatRequest.of(List.of(Message.user("alone")))).choices().get(0).content());
    assertEquals(List.of(1), backend.batches);
  }

  @Test
  void aRequestTheModelCannotTakeFailsAloneAndTheOthersAreAnswered() throws Exception {
    Recording backend = new Recording();
    BatchingChatModel model = new BatchingChatModel(backend, 3, Duration.ofMinutes(5));
    List<Future<ChatResponse>> answers = askConcurrently(model, List.of("a", "too long", "c"));
    assertEquals("re: a", answers.get(0).get().choices().get(0).content());
    assertEquals("re: c", answers.get(2).get().choices().get(0).content());
    Exception e = assertThrows(Exception.class, () -> answers.get(1).get());
    assertTrue(e.getCause() instanceof ModelException && e.getCause().getMessage().contains("longer than the context"), e.toString());
    // The batch of three failed, then each request was asked alone.
    assertEquals(List.of(3, 1, 1, 1), backend.batches);
  }

  @Test
  void requestsThatComeWhileABatchRunsJoinTheNextBatchInsteadOfQueueingInSmallOnes() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    Recording recording = new Recording();
    BatchChatModel slowFirst = new BatchChatModel() {
      @Override
      public String id() {
        return "slow-first";
      }

      @Override
      public ChatResponse chat(ChatRequest request) {
        return chatAll(List.of(request)).get(0);
      }

      @Override
      public List<ChatResponse> chatAll(List<ChatRequest> requests) {
        if (Recording.text(requests.get(0)).equals("first")) {
          running.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return recording.chatAll(requests);
      }
    };
    // A short linger: without waiting for the running batch, the later requests would go in batches of their own.
    BatchingChatModel model = new BatchingChatModel(slowFirst, 8, Duration.ofMillis(1));
    List<Future<ChatResponse>> first = askConcurrently(model, List.of("first"));
    running.await();
    List<Future<ChatResponse>> later = new ArrayList<>();
    for (String t : List.of("a", "b", "c", "d", "e")) {
      later.addAll(askConcurrently(model, List.of(t)));
      // Each request joins the gathering batch (bounded: with a batch taken at once, the test fails below).
      for (int i = 0; i < 5000 && model.gathered() < later.size(); i++) {
        Thread.sleep(1);
      }
    }
    release.countDown();
    assertEquals("re: first", first.get(0).get().choices().get(0).content());
    for (Future<ChatResponse> f : later) {
      assertTrue(f.get().choices().get(0).content().startsWith("re: "));
    }
    assertEquals(List.of(1, 5), recording.batches);
  }
}
