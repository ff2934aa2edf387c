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
 * first caller of a batch waits until {@code batchSize} requests have arrived, or until none has arrived for
 * {@code linger} and no other batch is waiting or running; then it runs the batch on its own thread and hands every caller its
 * response; one batch runs at a time. So requests that come while the model is busy (a server's steady load) join
 * the next batch rather than queue in small ones behind it. When a batch fails, its requests are asked one by one,
 * so that a request the model cannot take fails alone.
 */
public final class BatchingChatModel implements ChatModel {
  private final BatchChatModel model;
  private final int batchSize;
  private final Duration linger;
  private final Object lock = new Object();
  private final Object running = new Object();
  private List<Pending> gathering = new ArrayList<>();
  /** When the last request joined the gathering batch; guarded by {@code lock}. */
  private long lastJoin;
  /** Batches taken and not yet answered (waiting for the model or running); guarded by {@code lock}. */
  private int taken;

  /** A batch whose requests keep coming waits at most this many lingers after its first. */
  static final int MAX_LINGERS = 10;

  private record Pending(ChatRequest request, CompletableFuture<ChatResponse> response) {}

  /**
   * @param batchSize the most requests in one batch (the stage's concurrency: no more can arrive at once)
   * @param linger how long a partial batch waits for another request to join: it goes once none has joined for
   *     this long (at most {@value #MAX_LINGERS} lingers after its first request) and no batch is ahead of it;
   *     only the last, partial batch of a stage waits, as every caller comes back at once after a batch
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
      lastJoin = System.nanoTime();
      if (gathering.size() >= batchSize) {
        batch = takeBatch();
        lock.notifyAll();
      } else if (leader) {
        long latest = lastJoin + MAX_LINGERS * linger.toNanos();
        while (gathering.contains(mine) && gathering.size() < batchSize) {
          long left = Math.min(latest, lastJoin + linger.toNanos()) - System.nanoTime();
          if (left <= 0 && taken == 0) {
            break;
          }
          try {
            // After the linger, wait for the batch ahead to be answered (it notifies), gathering meanwhile.
            lock.wait(left > 0 ? Math.max(1, left / 1_000_000) : 0);
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

  /** Requests gathered for the next batch right now (for tests). */
  int gathered() {
    synchronized (lock) {
      return gathering.size();
    }
  }

  /** Called holding {@code lock}. */
  private List<Pending> takeBatch() {
    List<Pending> batch = gathering;
    gathering = new ArrayList<>();
    taken++;
    return batch;
  }

  private void run(List<Pending> batch) {
    try {
      runNow(batch);
    } finally {
      synchronized (lock) {
        taken--;
        lock.notifyAll();
      }
    }
  }

  private void runNow(List<Pending> batch) {
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
