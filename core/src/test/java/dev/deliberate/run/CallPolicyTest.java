package dev.deliberate.run;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CallPolicyTest {
  private final CallPolicy policy = CallPolicy.defaults().withDelays(Duration.ofMillis(100), Duration.ofSeconds(2));

  @Test
  void backoffIsJitteredBelowADoublingCap() {
    Random random = new Random(3);
    for (int retry = 1; retry <= 8; retry++) {
      long cap = Math.min(2000, 100L << (retry - 1));
      for (int i = 0; i < 50; i++) {
        long d = policy.delayBefore(retry, null, random).toMillis();
        assertTrue(d >= 0 && d <= cap, "retry " + retry + " waited " + d);
      }
    }
  }

  @Test
  void retryAfterIsAFloorAndItsOwnCapApplies() {
    Random random = new Random(4);
    long d = policy.delayBefore(1, Duration.ofSeconds(5), random).toMillis();
    assertTrue(d >= 5000 && d <= 5500, String.valueOf(d));
    long capped = policy.delayBefore(1, Duration.ofHours(2), random).toMillis();
    assertTrue(capped >= Duration.ofMinutes(5).toMillis() && capped <= Duration.ofMinutes(5).toMillis() * 11 / 10);
  }

  @Test
  void negativeRetriesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> CallPolicy.defaults().withMaxRetries(-1));
  }
}
