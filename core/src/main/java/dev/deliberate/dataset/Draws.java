package dev.deliberate.dataset;

import dev.deliberate.spec.Style;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/** Training sets drawn from what the pipeline made, in a chosen mix of benign and other requests. */
public final class Draws {
  private Draws() {}

  /**
   * {@code n} items drawn with the seed, {@code benignShare} of them benign (expected comply) and the rest not,
   * shuffled. A side with fewer items than its share is repeated (each item once before any twice); with no items on
   * a side, the other fills everything. The benchmarks hold about two harmful requests per benign one: a small
   * model trained on that ratio learns to refuse everything, which is why the share is chosen, not inherited.
   */
  public static <T> List<T> balanced(List<T> items, Function<T, Style> expected, int n, double benignShare,
      long seed) {
    List<T> benign = new ArrayList<>(items.stream().filter(i -> expected.apply(i) == Style.COMPLY).toList());
    List<T> others = new ArrayList<>(items.stream().filter(i -> expected.apply(i) != Style.COMPLY).toList());
    Collections.shuffle(benign, new Random(seed));
    Collections.shuffle(others, new Random(seed + 1));
    int wantBenign = others.isEmpty() ? n : benign.isEmpty() ? 0 : (int) Math.round(n * benignShare);
    List<T> out = cycle(benign, wantBenign);
    out.addAll(cycle(others, n - wantBenign));
    Collections.shuffle(out, new Random(seed + 2));
    return out;
  }

  private static <T> List<T> cycle(List<T> items, int n) {
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n && !items.isEmpty(); i++) {
      out.add(items.get(i % items.size()));
    }
    return out;
  }
}
