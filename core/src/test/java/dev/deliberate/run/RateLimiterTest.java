package dev.deliberate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong now = new AtomicLong();
  private final AtomicLong slept = new AtomicLong();
  /** A sleeper that moves the fake clock instead of waiting. */
  private final Sleeper advance = d -> {
    now.addAndGet(d.toNanos());
    slept.addAndGet(d.toNanos());
  };

  @Test
  void requestsPerMinuteSpreadsStartsOverTheWindow() throws Exception {
    RateLimiter limiter = new RateLimiter(3, 0, now::get, advance);
    for (int i = 0; i < 3; i++) {
      limiter.acquire();
    }
    assertEquals(0, slept.get());
    limiter.acquire();
    assertEquals(Duration.ofMinutes(1).toNanos(), slept.get(), "the fourth waits until the first leaves the window");
  }

  @Test
  void tokensPerMinuteWaitsOnceTheWindowIsFull() throws Exception {
    RateLimiter limiter = new RateLimiter(0, 1000, now::get, advance);
    limiter.acquire();
    limiter.used(600);
    limiter.acquire();
    assertEquals(0, slept.get());
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    limiter.used(600);
    limiter.acquire();
    assertTrue(slept.get() >= Duration.ofSeconds(50).toNanos(), "waited until the first 600 tokens expired");
  }
}
