package dev.deliberate.judge;

import java.util.Map;

/**
 * A judge's verdict on one answer.
 *
 * @param score overall score in [0, 1]; 0 for a failed judgment
 * @param criteria per-criterion scores in [0, 1] (decision, style, citations, no_leak, helpfulness ...)
 * @param rationale a short reason in the judge's words
 * @param suspicious true when the judged text tried to instruct the judge
 * @param failure null for a valid judgment, else why no valid verdict could be had
 */
public record Judgment(double score, Map<String, Double> criteria, String rationale, boolean suspicious, String failure) {
  public Judgment {
    criteria = criteria == null ? Map.of() : Map.copyOf(criteria);
    rationale = rationale == null ? "" : rationale;
  }

  public static Judgment failed(String reason) {
    return new Judgment(0.0, Map.of(), "", false, reason);
  }

  public boolean ok() {
    return failure == null;
  }

  /**
   * What this judgment pays as a reward: its score, clamped to [0, 1], or NaN when it failed. This is the one rule
   * for a failed judgment, used by the RL reward ({@code engine JudgeReward}) and the reward server
   * ({@code serve RewardScorer}): it is left out, neither paid nor punished. A failure (malformed judge output, a
   * prompt the judge cannot place) says something about the judge and nothing about the answer; scoring it 0
   * would teach the policy to avoid whatever makes the judge fail (a long answer that cuts the judge's reply short,
   * unusual formatting), a lesson that is false, and would make a judge outage look like a collapse in quality.
   * NaN cannot pass for a score: GRPO gives it advantage 0 and leaves it out of its group's mean and spread, TRL
   * skips a null reward, and where a trainer needs a number for every sample the reward server refuses the batch.
   * (An answer with nothing after its reasoning is not a failure: it is judged worthless, 0, without a judge.)
   */
  public double reward() {
    return ok() ? Math.max(0.0, Math.min(1.0, score)) : Double.NaN;
  }
}
