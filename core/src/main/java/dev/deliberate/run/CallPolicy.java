package dev.deliberate.run;

import java.time.Duration;
import java.util.Random;

/**
 * How a stage treats failed model calls and how fast it may call.
 *
 * @param maxRetries further tries of one call after the first (0 = one try only)
 * @param baseDelay the first backoff; each retry doubles it, up to {@code maxDelay}
 * @param maxDelay the longest backoff we choose ourselves (a server's Retry-After may ask for longer)
 * @param maxRetryAfter the longest Retry-After we honour; a server asking for more gets this long
 * @param retryBudget retries allowed across the whole stage, so that a failing server cannot multiply the
 *     stage's calls; a call that would exceed it fails at once
 * @param requestsPerMinute 0 for no limit
 * @param tokensPerMinute 0 for no limit (counted from the usage servers report)
 */
public record CallPolicy(
    int maxRetries,
    Duration baseDelay,
    Duration maxDelay,
    Duration maxRetryAfter,
    long retryBudget,
    int requestsPerMinute,
    long tokensPerMinute) {
  public CallPolicy {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries cannot be negative, was " + maxRetries);
    }
    if (retryBudget < 0 || requestsPerMinute < 0 || tokensPerMinute < 0) {
      throw new IllegalArgumentException("budgets and limits cannot be negative");
    }
  }

  public static CallPolicy defaults() {
    return new CallPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(5), Long.MAX_VALUE, 0, 0);
  }

  public CallPolicy withMaxRetries(int n) {
    return new CallPolicy(n, baseDelay, maxDelay, maxRetryAfter, retryBudget, requestsPerMinute, tokensPerMinute);
  }

  public CallPolicy withRetryBudget(long budget) {
    return new CallPolicy(maxRetries, baseDelay, maxDelay, maxRetryAfter, budget, requestsPerMinute, tokensPerMinute);
  }

  public CallPolicy withDelays(Duration base, Duration max) {
    return new CallPolicy(maxRetries, base, max, maxRetryAfter, retryBudget, requestsPerMinute, tokensPerMinute);
  }

  public CallPolicy withRateLimits(int rpm, long tpm) {
    return new CallPolicy(maxRetries, baseDelay, maxDelay, maxRetryAfter, retryBudget, rpm, tpm);
  }

  /**
   * The wait before retry number {@code retry} (1-based): "full jitter" exponential backoff, or the server's
   * Retry-After (capped) plus up to 10% jitter when it sent one, whichever is longer.
   */
  public Duration delayBefore(int retry, Duration retryAfter, Random random) {
    long cap = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(retry - 1, 20));
    long backoff = cap <= 0 ? 0 : (long) (random.nextDouble() * cap);
    if (retryAfter == null) {
      return Duration.ofMillis(backoff);
    }
    long asked = Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis());
    long jittered = asked + (long) (random.nextDouble() * asked * 0.1);
    return Duration.ofMillis(Math.max(jittered, backoff));
  }
}
