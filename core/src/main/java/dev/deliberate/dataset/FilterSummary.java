package dev.deliberate.dataset;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the filter kept and dropped, per category ({@code filter-summary.json}). Drop reasons: the generation ones
 * ({@code no_reasoning}, {@code no_answer}, {@code analysis_leak}, {@code truncated}), then {@code unjudged} (no
 * judgment record), {@code judge_failed} (a verdict failed), {@code suspicious}, {@code below_threshold},
 * {@code spec_text} (the example copies spec or instruction sentences), {@code not_best_of_k}, {@code duplicate}
 * and {@code category_cap}.
 */
public record FilterSummary(int kept, Map<String, Integer> keptByCategory, Map<String, Map<String, Integer>> dropped) {
  public int droppedTotal() {
    return dropped.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
  }

  /** Drop counts per reason over all categories. */
  public Map<String, Integer> droppedByReason() {
    Map<String, Integer> out = new TreeMap<>();
    dropped.values().forEach(m -> m.forEach((reason, n) -> out.merge(reason, n, Integer::sum)));
    return out;
  }
}
