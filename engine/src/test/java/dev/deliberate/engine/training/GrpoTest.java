package dev.deliberate.engine.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.deliberate.engine.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The GRPO objective on numbers worked out by hand. */
class GrpoTest {
  static NDManager manager;

  @BeforeAll
  static void open() {
    manager = Engines.pytorch().newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static final double E = Grpo.STD_EPSILON;

  @Test
  void advantagesAreRewardsCentredOnTheGroupMeanAndScaledByItsStandardDeviation() {
    // mean 0.5, population std 0.5
    double[] a = Grpo.advantages(new double[] {1, 0, 0, 1});
    double unit = 0.5 / (0.5 + E);
    assertArrayEquals(new double[] {unit, -unit, -unit, unit}, a, 1e-12);
    // mean 2, population std sqrt(2/3)
    double std = Math.sqrt(2.0 / 3);
    assertArrayEquals(new double[] {-1 / (std + E), 0, 1 / (std + E)}, Grpo.advantages(new double[] {1, 2, 3}), 1e-12);
  }

  @Test
  void aGroupWhoseAnswersAllScoredTheSameTeachesNothing() {
    assertArrayEquals(new double[] {0, 0, 0}, Grpo.advantages(new double[] {0.7, 0.7, 0.7}), 0);
  }

  @Test
  void aFailedJudgmentIsLeftOutOfTheGroupStatisticsAndGetsNoAdvantage() {
    double unit = 0.5 / (0.5 + E);
    assertArrayEquals(new double[] {unit, -unit, 0}, Grpo.advantages(new double[] {1, 0, Double.NaN}), 1e-12);
    assertArrayEquals(new double[] {0, 0}, Grpo.advantages(new double[] {1, Double.NaN}), 0);
  }

  @Test
  void theSurrogateTakesThePessimisticOfTheRawAndTheClippedRatio() {
    // ratios 1.5, 1.5, 0.5, 0.5, 1.1 with advantages +1, -1, +1, -1, +2 and eps 0.2:
    // min(1.5, 1.2) = 1.2; min(-1.5, -1.2) = -1.5; min(0.5, 0.8) = 0.5; min(-0.5, -0.8) = -0.8; 1.1 * 2 = 2.2
    float[] ratios = {1.5f, 1.5f, 0.5f, 0.5f, 1.1f};
    float[] adv = {1, -1, 1, -1, 2};
    float[] got = Grpo.clippedSurrogate(logs(ratios, 5, 1), manager.zeros(new Shape(5, 1)),
        manager.create(adv, new Shape(5, 1)), 0.2).toFloatArray();
    assertArrayEquals(new float[] {1.2f, -1.5f, 0.5f, -0.8f, 2.2f}, got, 1e-6f);
  }

  @Test
  void aClippedTokenGetsNoGradientAndAnUnclippedOneGetsRatioTimesAdvantage() {
    // d/dlogp of ratio * A = ratio * A; the clipped branch is flat.
    NDArray logProbs = logs(new float[] {1.5f, 1.5f, 1.1f}, 3, 1);
    logProbs.setRequiresGradient(true);
    try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
      NDArray objective = Grpo.clippedSurrogate(logProbs, manager.zeros(new Shape(3, 1)),
          manager.create(new float[] {1, -1, 2}, new Shape(3, 1)), 0.2);
      collector.backward(objective.sum());
    }
    assertArrayEquals(new float[] {0f, -1.5f, 2.2f}, logProbs.getGradient().toFloatArray(), 1e-6f);
  }

  @Test
  void k3IsZeroWhereTheModelsAgreeAndExpMinusOneMinusTheGapOtherwise() {
    // logp = ln 0.5, ref = ln 0.25: d = ln 0.5, k3 = 0.5 - ln 0.5 - 1 = ln 2 - 0.5
    NDArray logp = manager.create(new float[] {(float) Math.log(0.5), (float) Math.log(0.3)}, new Shape(1, 2));
    NDArray ref = manager.create(new float[] {(float) Math.log(0.25), (float) Math.log(0.3)}, new Shape(1, 2));
    float[] kl = Grpo.klK3(logp, ref).toFloatArray();
    assertEquals(Math.log(2) - 0.5, kl[0], 1e-6);
    assertEquals(0, kl[1], 1e-7);
    assertEquals(Math.log(2) - 0.5, Grpo.klK3(Math.log(0.5), Math.log(0.25)), 1e-12);
    // The other direction: logp = ln 0.25, ref = ln 0.5: d = ln 2, k3 = 2 - ln 2 - 1
    assertEquals(1 - Math.log(2), Grpo.klK3(Math.log(0.25), Math.log(0.5)), 1e-12);
  }

  @Test
  void theLossCountsOnlyMaskedTokensAndSubtractsTheWeightedKl() {
    // Two answers of two positions; the mask drops the second position of the second answer.
    // Answer 1 (A = +1): ratios 1 and 1.5 (clipped to 1.2); ref = logp on token 1, ref = logp - ln 2 on token 2
    //   -> surrogate 1 + 1.2, k3 0 + (0.5 + ln 2 - 1)
    // Answer 2 (A = -0.5): ratio 0.5 on token 1 -> min(-0.25, -0.4) = -0.4, ref = logp -> k3 0
    float ln15 = (float) Math.log(1.5);
    float ln2 = (float) Math.log(2);
    NDArray logp = manager.create(new float[] {-1f, -1f + ln15, -2f + (float) Math.log(0.5), -3f}, new Shape(2, 2));
    NDArray old = manager.create(new float[] {-1f, -1f, -2f, -3f}, new Shape(2, 2));
    NDArray ref = manager.create(new float[] {-1f, -1f + ln15 - ln2, -2f + (float) Math.log(0.5), 9f}, new Shape(2, 2));
    NDArray adv = manager.create(new float[] {1f, -0.5f}, new Shape(2, 1));
    NDArray mask = manager.create(new float[] {1, 1, 1, 0}, new Shape(2, 2));
    double beta = 0.1;
    double expected = -((1 + 1.2 - 0.4) - beta * (0.5 + Math.log(2) - 1));
    assertEquals(expected, Grpo.summedLoss(logp, old, ref, adv, mask, 0.2, beta).getFloat(), 1e-5);
    assertEquals(-(1 + 1.2 - 0.4), Grpo.summedLoss(logp, old, ref, adv, mask, 0.2, 0).getFloat(), 1e-5);
  }

  @Test
  void tokenLogProbsAreTheLogSoftmaxAtTheTargetsAfterTemperature() {
    // logits (0, ln 3) -> probabilities 1/4, 3/4; at temperature 2 -> (0, ln 3 / 2) -> 1/(1+sqrt 3), sqrt 3/(1+sqrt 3)
    NDArray logits = manager.create(new float[] {0f, (float) Math.log(3)}, new Shape(1, 1, 2));
    NDArray target = manager.create(new long[] {1}, new Shape(1, 1));
    assertEquals(Math.log(0.75), Grpo.tokenLogProbs(logits, target, 1.0).getFloat(), 1e-6);
    assertEquals(Math.log(Math.sqrt(3) / (1 + Math.sqrt(3))), Grpo.tokenLogProbs(logits, target, 2.0).getFloat(), 1e-6);
  }

  /** Log-probabilities whose ratio to an all-zero old log-prob is the given number. */
  private static NDArray logs(float[] ratios, int rows, int cols) {
    float[] logs = new float[ratios.length];
    for (int i = 0; i < ratios.length; i++) {
      logs[i] = (float) Math.log(ratios[i]);
    }
    return manager.create(logs, new Shape(rows, cols));
  }
}
