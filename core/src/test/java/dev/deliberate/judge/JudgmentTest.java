package dev.deliberate.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JudgmentTest {
  @Test
  void aValidJudgmentPaysItsScoreWithinZeroAndOne() {
    assertEquals(0.75, new Judgment(0.75, Map.of(), "", false, null).reward());
    assertEquals(1.0, new Judgment(1.5, Map.of(), "", false, null).reward());
    assertEquals(0.0, new Judgment(-0.5, Map.of(), "", false, null).reward());
  }

  @Test
  void aFailedJudgmentPaysNoNumberAtAll() {
    assertTrue(Double.isNaN(Judgment.failed("judge reply is not JSON").reward()));
  }
}
