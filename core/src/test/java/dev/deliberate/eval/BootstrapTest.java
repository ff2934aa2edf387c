package dev.deliberate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BootstrapTest {
  @Test
  void theSameSeedGivesTheSameInterval() {
    double[] units = new double[37];
    for (int i = 0; i < units.length; i++) {
      units[i] = (i * i % 11) / 10.0;
    }
    assertEquals(Bootstrap.mean(units, 42), Bootstrap.mean(units, 42));
    assertNotEquals(Bootstrap.mean(units, 42), Bootstrap.mean(units, 43));
  }

  @Test
  void theIntervalHoldsThePointEstimateAndNarrowsWithMoreUnits() {
    boolean[] small = new boolean[20];
    boolean[] large = new boolean[2000];
    for (int i = 0; i < small.length; i++) {
      small[i] = i % 4 != 0;
    }
    for (int i = 0; i < large.length; i++) {
      large[i] = i % 4 != 0;
    }
    Estimate s = Bootstrap.share(small, 1);
    Estimate l = Bootstrap.share(large, 1);
    assertEquals(0.75, s.value(), 1e-12);
    assertEquals(15, s.count());
    assertTrue(s.low() < 0.75 && 0.75 < s.high());
    assertTrue(l.high() - l.low() < (s.high() - s.low()) / 3, "interval should shrink roughly as 1/sqrt(n)");
    // For a share of 0.75 on 2000 units the normal-approximation half-width is about 1.96 * 0.0097 = 0.019.
    assertEquals(0.019, (l.high() - l.low()) / 2, 0.004);
  }

  @Test
  void aConstantSampleHasAZeroWidthInterval() {
    Estimate e = Bootstrap.share(new boolean[] {true, true, true}, 9);
    assertEquals(1.0, e.low());
    assertEquals(1.0, e.high());
  }

  @Test
  void noUnitsIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> Bootstrap.mean(new double[0], 1));
  }
}
