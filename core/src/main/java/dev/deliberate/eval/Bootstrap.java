package dev.deliberate.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded percentile bootstrap of a mean. Every metric we report is a mean over independent units (answers, or
 * prompts for goodness@0.1), so one routine gives every interval: resample the units with replacement, take the
 * mean, and read the 2.5th and 97.5th percentiles of those means.
 */
public final class Bootstrap {
  /** Resamples per interval: enough for two stable decimals, cheap for a few thousand units. */
  public static final int RESAMPLES = 2000;

  private Bootstrap() {}

  /** The mean of {@code units} with its 95% interval; the same seed always gives the same interval. */
  public static Estimate mean(double[] units, long seed) {
    return mean(units, seed, null);
  }

  /** A share: {@code count} of {@code flags} are true. */
  public static Estimate share(boolean[] flags, long seed) {
    double[] units = new double[flags.length];
    int count = 0;
    for (int i = 0; i < flags.length; i++) {
      units[i] = flags[i] ? 1.0 : 0.0;
      count += flags[i] ? 1 : 0;
    }
    return mean(units, seed, count);
  }

  private static Estimate mean(double[] units, long seed, Integer count) {
    int n = units.length;
    if (n == 0) {
      throw new IllegalArgumentException("cannot estimate a metric from zero units");
    }
    double point = average(units);
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[RESAMPLES];
    for (int b = 0; b < RESAMPLES; b++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += units[random.nextInt(n)];
      }
      means[b] = sum / n;
    }
    Arrays.sort(means);
    double low = Math.min(point, means[(int) Math.floor(0.025 * (RESAMPLES - 1))]);
    double high = Math.max(point, means[(int) Math.ceil(0.975 * (RESAMPLES - 1))]);
    return new Estimate(point, n, count, low, high);
  }

  static double average(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /** A per-metric seed: the run's seed mixed with the metric's name, so intervals do not share resamples. */
  public static long seedFor(long runSeed, String metric) {
    return runSeed * 0x9E3779B97F4A7C15L + metric.hashCode();
  }
}
