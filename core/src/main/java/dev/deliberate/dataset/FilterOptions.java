package dev.deliberate.dataset;

/**
 * What the filter keeps.
 *
 * @param threshold minimum aggregated (minimum-of-K) judge score to keep a sample; default {@value #DEFAULT_THRESHOLD}:
 *     with the {@link dev.deliberate.judge.Rubric} score (decision × mean of the other criteria) it requires the
 *     right decision and at most about one criterion in four missed
 * @param bestOfK keep only the best surviving sample of each prompt (highest minimum, then mean, then lowest index)
 * @param categoryCap keep at most this many examples per category (the highest-scoring), or null for no cap
 * @param dedup drop an example whose prompt text and reply, normalised, equal an earlier one's
 * @param dropSuspicious drop samples any judge flagged as trying to instruct it
 */
public record FilterOptions(double threshold, boolean bestOfK, Integer categoryCap, boolean dedup, boolean dropSuspicious) {
  public static final double DEFAULT_THRESHOLD = 0.75;

  public FilterOptions {
    if (threshold < 0 || threshold > 1) {
      throw new IllegalArgumentException("threshold must be between 0 and 1, was " + threshold);
    }
    if (categoryCap != null && categoryCap < 1) {
      throw new IllegalArgumentException("category cap must be at least 1, was " + categoryCap);
    }
  }

  public static FilterOptions defaults() {
    return new FilterOptions(DEFAULT_THRESHOLD, true, null, true, true);
  }
}
