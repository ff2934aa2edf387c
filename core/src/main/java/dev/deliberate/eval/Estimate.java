package dev.deliberate.eval;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One metric as reported: its value, how many units it was measured on, and a bootstrap 95% interval.
 *
 * @param value the point estimate (a share in [0, 1] for rates)
 * @param n the number of units (answers, or prompts for goodness@0.1)
 * @param count for rates, how many of the {@code n} units were counted; null for means
 * @param low lower end of the 95% interval
 * @param high upper end of the 95% interval
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Estimate(double value, int n, Integer count, double low, double high) {
  public Estimate {
    if (n < 1) {
      throw new IllegalArgumentException("an estimate needs at least one unit, had " + n);
    }
    if (!(low <= value + 1e-12 && value <= high + 1e-12)) {
      throw new IllegalArgumentException("interval [" + low + ", " + high + "] does not hold " + value);
    }
  }

  /** "0.82 [0.77, 0.87] (n=250)", the form tables show. */
  public String display() {
    return String.format(java.util.Locale.ROOT, "%.2f [%.2f, %.2f] (n=%d)", value, low, high, n);
  }
}
