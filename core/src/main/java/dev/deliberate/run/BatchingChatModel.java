package dev.deliberate.run;

import dev.deliberate.model.BatchChatModel;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Turns concurrent one-request calls into batches for a {@link BatchChatModel}, so that a stage running on
 * {@link StageExecutor} with concurrency B asks a local model B prompts at a time without knowing it batches. The
 * first caller of a batch waits until {@code batchSize} requests have arrived or {@code linger} has passed, then
 * runs the batch on its own thread and hands every caller its response; one batch runs at a time. When a batch
 * fails, its requests are asked one by one, so that a request the model cannot take fails alone.
 */
public final class BatchingChatModel implements ChatModel {
  private final BatchChatModel model;
  private final int batchSize;
  private final Duration linger;
  private final Object lock = new Object();
  private final Object running = new Object();
  private List<Pending> gathering = new ArrayList<>();

  private record Pending(ChatRequest request, CompletableFuture<ChatResponse> response) {}

  /**
   * @param batchSize the most requests in one batch (the stage's concurrency: no more can arrive at once)
   * @param linger how long the first request of a batch waits for others; only the last, partial batch of a
   *     stage waits this long, as every caller comes back at once after a batch
   */
  public BatchingChatModel(BatchChatModel model, int batchSize, Duration linger) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
    }
    this.model = model;
    this.batchSize = batchSize;
    this.linger = linger;
  }

  @Override
  public String id() {
    return model.id();
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    Pending mine = new Pending(request, new CompletableFuture<>());
    List<Pending> batch = null;
    synchronized (lock) {
      boolean leader = gathering.isEmpty();
      gathering.add(mine);
      if (gathering.size() >= batchSize) {
        batch = takeBatch();
        lock.notifyAll();
      } else if (leader) {
        long deadline = System.nanoTime() + linger.toNanos();
        for (long left; gathering.contains(mine) && gathering.size() < batchSize
            && (left = deadline - System.nanoTime()) > 0; ) {
          try {
            lock.wait(Math.max(1, left / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
        if (gathering.contains(mine)) {
          batch = takeBatch();
        }
      }
    }
    if (batch != null) {
      run(batch);
    }
    try {
      return mine.response().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while waiting for a batch", false, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new ModelException(String.valueOf(e.getCause()), false, e.getCause());
    }
  }

  private List<Pending> takeBatch() {
    List<Pending> batch = gathering;
    gathering = new ArrayList<>();
    return batch;
  }

  private void run(List<Pending> batch) {
    synchronized (running) {
      try {
        List<ChatResponse> responses = model.chatAll(batch.stream().map(Pending::request).toList());
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).response().complete(responses.get(i));
        }
        return;
      } catch (RuntimeException batchFailed) {
        if (batch.size() == 1) {
          batch.get(0).response().completeExceptionally(batchFailed);
          return;
        }
      }
      for (Pending p : batch) {
        try {
          p.response().complete(model.chatAll(List.of(p.request())).get(0));
        } catch (RuntimeException e) {
          p.response().completeExceptionally(e);
        }
      }
    }
  }
}
