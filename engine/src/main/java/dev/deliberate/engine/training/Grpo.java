package dev.deliberate.engine.training;

import ai.djl.ndarray.NDArray;
import dev.deliberate.engine.network.Tensors;

/**
 * The GRPO objective (Shao et al. 2024, DeepSeekMath) as pure functions. Shapes: B = sampled answers, T = positions
 * of the padded batch, V = vocabulary. Per-token arrays are aligned with the batch's targets: position t holds the
 * log-probability of the token at t + 1. Constants inside anything autograd records are native scalars
 * ({@link Tensors#scalar}), never DJL's {@code mul(Number)} and friends, whose scalar the backward pass would read
 * after it was freed.
 */
public final class Grpo {
  /** Keeps a group whose rewards barely differ from blowing tiny differences up to unit advantages. */
  static final double STD_EPSILON = 1e-4;

  private Grpo() {}

  /**
   * Group-normalised advantages: (r - mean) / (std + {@value #STD_EPSILON}) with the population standard deviation of
   * the group. A group whose answers all got the same reward carries no signal about which is better, so its
   * advantages are all 0. NaN rewards (failed judgments) get advantage 0 and are left out of the mean and std.
   */
  public static double[] advantages(double[] rewards) {
    double sum = 0;
    int n = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double r : rewards) {
      if (!Double.isNaN(r)) {
        sum += r;
        n++;
        min = Math.min(min, r);
        max = Math.max(max, r);
      }
    }
    double[] out = new double[rewards.length];
    if (n < 2 || min == max) {
      return out;
    }
    double mean = sum / n;
    double squares = 0;
    for (double r : rewards) {
      if (!Double.isNaN(r)) {
        squares += (r - mean) * (r - mean);
      }
    }
    double std = Math.sqrt(squares / n);
    for (int i = 0; i < rewards.length; i++) {
      out[i] = Double.isNaN(rewards[i]) ? 0 : (rewards[i] - mean) / (std + STD_EPSILON);
    }
    return out;
  }

  /**
   * log softmax(logits / temperature) at each target: the log-probability the sampler gave each generated token.
   *
   * @param logits {@code [B, T, V]}
   * @param targets {@code [B, T]} int64
   * @return {@code [B, T]}
   */
  public static NDArray tokenLogProbs(NDArray logits, NDArray targets, double temperature) {
    NDArray scaled = temperature == 1.0 ? logits : logits.div(Tensors.scalar(logits.getManager(), temperature));
    return scaled.logSoftmax(2).gather(targets.expandDims(2), 2).squeeze(2);
  }

  /**
   * The k3 estimator of KL(policy || reference) per token (Schulman 2020): exp(d) - d - 1 with d = ref - logp. It is
   * never negative, unbiased under samples from the policy, and 0 where the two models agree.
   *
   * @param logProbs policy log-probs {@code [B, T]}
   * @param refLogProbs reference log-probs {@code [B, T]}
   * @return {@code [B, T]}
   */
  public static NDArray klK3(NDArray logProbs, NDArray refLogProbs) {
    NDArray d = refLogProbs.sub(logProbs);
    return d.exp().sub(d).sub(Tensors.scalar(d.getManager(), 1));
  }

  /**
   * The clipped surrogate of PPO per token: min(ratio * A, clip(ratio, 1 - eps, 1 + eps) * A) with
   * ratio = exp(logp - oldLogp). Clipping removes the incentive to move a token's probability further than eps away
   * from where it was when the answer was sampled.
   *
   * @param logProbs policy log-probs now {@code [B, T]}
   * @param oldLogProbs policy log-probs at sampling time {@code [B, T]}
   * @param advantages one per answer {@code [B, 1]}
   * @return {@code [B, T]}
   */
  public static NDArray clippedSurrogate(NDArray logProbs, NDArray oldLogProbs, NDArray advantages, double clip) {
    NDArray ratio = logProbs.sub(oldLogProbs).exp();
    NDArray unclipped = ratio.mul(advantages);
    NDArray clipped = ratio.clip(1 - clip, 1 + clip).mul(advantages);
    return unclipped.minimum(clipped);
  }

  /**
   * The GRPO loss summed over the answer tokens: -sum(mask * (surrogate - klCoef * k3)). The caller divides by the
   * number of answer tokens in the whole step, so every generated token weighs the same (token-level loss).
   *
   * @param mask {@code [B, T]}, 1 on generated tokens (reasoning, answer, end of turn), 0 on the prompt and padding
   * @return a scalar
   */
  public static NDArray summedLoss(NDArray logProbs, NDArray oldLogProbs, NDArray refLogProbs, NDArray advantages,
      NDArray mask, double clip, double klCoef) {
    NDArray objective = clippedSurrogate(logProbs, oldLogProbs, advantages, clip);
    if (klCoef != 0) {
      objective = objective.sub(klK3(logProbs, refLogProbs).mul(Tensors.scalar(objective.getManager(), klCoef)));
    }
    return objective.mul(mask).sum().neg();
  }

  /** k3 on plain numbers, for metrics: exp(ref - logp) - (ref - logp) - 1. */
  public static double klK3(double logProb, double refLogProb) {
    double d = refLogProb - logProb;
    return Math.exp(d) - d - 1;
  }
}
