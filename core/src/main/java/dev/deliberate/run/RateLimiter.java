package dev.deliberate.run;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * Requests-per-minute and tokens-per-minute limits over a sliding one-minute window. A request may start when
 * fewer than {@code rpm} started and fewer than {@code tpm} tokens were reported in the last minute. Tokens are
 * known only after a reply, so the token limit can be overshot by the calls already in flight.
 */
final class RateLimiter {
  private static final long WINDOW_NANOS = Duration.ofMinutes(1).toNanos();

  private final int rpm;
  private final long tpm;
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private final Deque<long[]> starts = new ArrayDeque<>();
  private final Deque<long[]> tokens = new ArrayDeque<>();
  private long tokensInWindow;

  RateLimiter(int rpm, long tpm, LongSupplier nanoClock, Sleeper sleeper) {
    this.rpm = rpm;
    this.tpm = tpm;
    this.clock = nanoClock;
    this.sleeper = sleeper;
  }

  boolean limits() {
    return rpm > 0 || tpm > 0;
  }

  /** Blocks until a request may start, then counts it. */
  void acquire() throws InterruptedException {
    while (true) {
      long wait;
      synchronized (this) {
        long now = clock.getAsLong();
        expire(now);
        wait = 0;
        if (rpm > 0 && starts.size() >= rpm) {
          wait = starts.peekFirst()[0] + WINDOW_NANOS - now;
        }
        if (tpm > 0 && tokensInWindow >= tpm && !tokens.isEmpty()) {
          wait = Math.max(wait, tokens.peekFirst()[0] + WINDOW_NANOS - now);
        }
        if (wait <= 0) {
          if (rpm > 0) {
            starts.addLast(new long[] {now});
          }
          return;
        }
      }
      sleeper.sleep(Duration.ofNanos(Math.max(wait, 1_000_000)));
    }
  }

  /** Records the tokens a finished request used. */
  synchronized void used(long count) {
    if (tpm > 0 && count > 0) {
      tokens.addLast(new long[] {clock.getAsLong(), count});
      tokensInWindow += count;
    }
  }

  private void expire(long now) {
    while (!starts.isEmpty() && starts.peekFirst()[0] + WINDOW_NANOS <= now) {
      starts.removeFirst();
    }
    while (!tokens.isEmpty() && tokens.peekFirst()[0] + WINDOW_NANOS <= now) {
      tokensInWindow -= tokens.removeFirst()[1];
    }
  }
}
