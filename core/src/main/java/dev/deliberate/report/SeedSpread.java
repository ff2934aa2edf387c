package dev.deliberate.report;

import dev.deliberate.eval.Estimate;
import dev.deliberate.eval.EvalMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The same comparison run under several seeds (each seed its own split, data, training and evaluation): per model
 * and headline metric, the mean over the seeds and the lowest and highest value, and what held on every seed.
 */
public final class SeedSpread {
  private SeedSpread() {}

  /** One seed's results: the seed and every model's metrics, in table order. */
  public record Run(long seed, List<EvalMetrics> models) {}

  /** The table: {@code mean [min, max]} per model and metric; a metric a model lacks on some seed shows "-". */
  public static String table(List<Run> runs) {
    List<String> seeds = runs.stream().map(r -> Long.toString(r.seed())).toList();
    StringBuilder out = new StringBuilder("Over " + runs.size() + " seeds (" + String.join(", ", seeds)
        + "): mean [lowest, highest] of each seed's value\n");
    out.append(String.format(Locale.ROOT, "%-28s", "model"));
    for (String metric : EvalMetrics.HEADLINE) {
      out.append(String.format(Locale.ROOT, " %-22s", metric));
    }
    out.append('\n');
    for (Map.Entry<String, Map<String, List<Double>>> model : values(runs).entrySet()) {
      out.append(String.format(Locale.ROOT, "%-28s", model.getKey()));
      for (String metric : EvalMetrics.HEADLINE) {
        List<Double> v = model.getValue().getOrDefault(metric, List.of());
        out.append(String.format(Locale.ROOT, " %-22s", v.size() < runs.size() ? "-" : String.format(Locale.ROOT,
            "%.2f [%.2f, %.2f]", v.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
            v.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
            v.stream().mapToDouble(Double::doubleValue).max().orElseThrow())));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Each model's values per metric, one per seed, in seed order. */
  static Map<String, Map<String, List<Double>>> values(List<Run> runs) {
    Map<String, Map<String, List<Double>>> out = new LinkedHashMap<>();
    for (Run run : runs) {
      for (EvalMetrics m : run.models()) {
        Map<String, List<Double>> metrics = out.computeIfAbsent(m.model(), k -> new LinkedHashMap<>());
        for (Map.Entry<String, Estimate> e : m.metrics().entrySet()) {
          metrics.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue().value());
        }
      }
    }
    return out;
  }
}
