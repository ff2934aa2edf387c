package dev.deliberate.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.eval.Estimate;
import dev.deliberate.eval.EvalMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedSpreadTest {
  private static EvalMetrics model(String name, long seed, Map<String, Double> values) {
    Map<String, Estimate> metrics = new java.util.LinkedHashMap<>();
    values.forEach((k, v) -> metrics.put(k, new Estimate(v, 10, null, v - 0.1, v + 0.1)));
    return new EvalMetrics(EvalMetrics.VERSION, name, "reference", seed, Map.of(), metrics, Map.of(), Map.of());
  }

  @Test
  void eachModelShowsTheMeanAndTheLowestAndHighestSeed() {
    String table = SeedSpread.table(List.of(
        new SeedSpread.Run(7, List.of(model("base", 7, Map.of("not_unsafe", 0.10)),
            model("sft", 7, Map.of("not_unsafe", 0.90, "goodness@0.1", 0.80)))),
        new SeedSpread.Run(8, List.of(model("base", 8, Map.of("not_unsafe", 0.20)),
            model("sft", 8, Map.of("not_unsafe", 0.70, "goodness@0.1", 0.60))))));
    List<String> lines = table.lines().toList();
    assertEquals("Over 2 seeds (7, 8): mean [lowest, highest] of each seed's value", lines.get(0));
    String sft = lines.stream().filter(l -> l.startsWith("sft ")).findFirst().orElseThrow();
    assertTrue(sft.contains("0.70 [0.60, 0.80]"), sft); // goodness@0.1
    assertTrue(sft.contains("0.80 [0.70, 0.90]"), sft); // not_unsafe
    String base = lines.stream().filter(l -> l.startsWith("base ")).findFirst().orElseThrow();
    assertTrue(base.contains("0.15 [0.10, 0.20]"), base);
    assertTrue(base.startsWith("base                         -"), "a metric missing on a seed is not averaged: " + base);
  }
}
