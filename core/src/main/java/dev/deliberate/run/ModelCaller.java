package dev.deliberate.run;

import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import dev.deliberate.model.ModelFailures;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How stages call a model: the response cache first (a hit makes no call), then the rate limits, then the call,
 * retried with jittered exponential backoff (honouring Retry-After) while the failure is retriable and both the
 * per-call retries and the stage's retry budget last. Usage is counted in {@link Accounting}. It is itself a
 * {@link ChatModel}, so it can stand wherever a model is expected. A reply its caller could not use is
 * {@linkplain #forget forgotten}: the cache keeps only replies that were used, so a rerun asks again. Thread-safe.
 */
public final class ModelCaller implements ChatModel {
  private final ChatModel model;
  private final ResponseCache cache;
  private final CallPolicy policy;
  private final Accounting accounting;
  private final Sleeper sleeper;
  private final Random random;
  private final RateLimiter limiter;
  private final AtomicLong budgetLeft;

  /**
   * @param cache the response cache, or null to call every time
   */
  public ModelCaller(ChatModel model, ResponseCache cache, CallPolicy policy, Accounting accounting) {
    this(model, cache, policy, accounting, Sleeper.REAL, System::nanoTime, null);
  }

  /** For tests: a sleeper that records waits, a clock for the rate limits, a seeded random for the jitter. */
  ModelCaller(ChatModel model, ResponseCache cache, CallPolicy policy, Accounting accounting, Sleeper sleeper,
      java.util.function.LongSupplier nanoClock, Random random) {
    this.model = model;
    this.cache = cache;
    this.policy = policy;
    this.accounting = accounting;
    this.sleeper = sleeper;
    this.random = random;
    this.limiter = new RateLimiter(policy.requestsPerMinute(), policy.tokensPerMinute(), nanoClock, sleeper);
    this.budgetLeft = new AtomicLong(policy.retryBudget());
  }

  @Override
  public String id() {
    return model.id();
  }

  /** Sample 0 of the request. */
  @Override
  public ChatResponse chat(ChatRequest request) {
    return chat(request, 0);
  }

  /**
   * One sample of a request. Different sample indexes of the same request are cached apart, so a stage can draw
   * k independent samples of one prompt and still never pay for one twice.
   */
  public ChatResponse chat(ChatRequest request, int sampleIndex) {
    String key = null;
    if (cache != null) {
      key = ResponseCache.key(model.id(), request, sampleIndex);
      Optional<ChatResponse> hit = cache.get(key);
      if (hit.isPresent()) {
        accounting.cacheHit(model.id());
        return hit.get();
      }
    }
    ChatResponse response = callWithRetries(request);
    if (cache != null) {
      cache.put(key, model.id(), request, sampleIndex, response);
    }
    return response;
  }

  /** Drops the cached reply to sample 0 of {@code request}, so that the next call asks the model again. */
  @Override
  public void forget(ChatRequest request) {
    if (cache != null) {
      cache.remove(ResponseCache.key(model.id(), request, 0));
    }
  }

  /** Retries left in the stage's budget. */
  public long retryBudgetLeft() {
    return budgetLeft.get();
  }

  private ChatResponse callWithRetries(ChatRequest request) {
    for (int attempt = 1; ; attempt++) {
      try {
        if (limiter.limits()) {
          limiter.acquire();
        }
        ChatResponse response = model.chat(request);
        accounting.called(model.id(), response.usage());
        limiter.used(response.usage().totalTokens());
        return response;
      } catch (ModelException e) {
        if (!e.retriable()) {
          throw finalFailure(e.getMessage() + " (not retriable)", e);
        }
        if (attempt > policy.maxRetries()) {
          throw finalFailure(e.getMessage() + " (gave up after " + attempt + (attempt == 1 ? " try)" : " tries)"), e);
        }
        if (!takeFromBudget()) {
          throw finalFailure(e.getMessage() + " (the stage's retry budget of " + policy.retryBudget() + " is used up)", e);
        }
        accounting.retried(model.id());
        Duration retryAfter = e instanceof ModelFailures.HttpStatusException s ? s.retryAfter() : null;
        sleep(policy.delayBefore(attempt, retryAfter, random == null ? ThreadLocalRandom.current() : random));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw finalFailure("interrupted", e);
      }
    }
  }

  private boolean takeFromBudget() {
    while (true) {
      long left = budgetLeft.get();
      if (left <= 0) {
        return false;
      }
      if (left == Long.MAX_VALUE || budgetLeft.compareAndSet(left, left - 1)) {
        return true;
      }
    }
  }

  private void sleep(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw finalFailure("interrupted while waiting to retry", e);
    }
  }

  private ModelException finalFailure(String message, Exception cause) {
    accounting.failed(model.id());
    return new ModelException(message, false, cause);
  }
}
