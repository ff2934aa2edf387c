package dev.deliberate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BuiltinFiles;
import dev.deliberate.spec.Style;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The importers against the real benchmark files shipped with the project. */
class BenchmarkImportTest {
  private static final Path BENCHMARKS = BuiltinFiles.benchmarks();

  private static Map<String, Long> count(List<Prompt> prompts, java.util.function.Function<Prompt, String> key) {
    return prompts.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
  }

  @Test
  void strongRejectGives313RefusePromptsOverSixCategories() {
    List<Prompt> prompts = new StrongRejectImporter().readAll(BENCHMARKS.resolve("strongreject/strongreject_dataset.csv"));
    assertEquals(313, prompts.size());
    assertEquals(Map.of("disinformation", 50L, "hate", 50L, "illegal-goods", 50L, "nonviolent-crime", 59L,
        "sexual-content", 50L, "violence", 54L), count(prompts, Prompt::category));
    assertTrue(prompts.stream().allMatch(p -> p.expected() == Style.REFUSE && p.source().equals("strongreject")));
    assertEquals(35L, count(prompts, p -> (String) p.metadata().get("benchmark_source")).get("DAN"));
    assertEquals(313, prompts.stream().map(Prompt::id).distinct().count(), "ids are distinct");
    assertTrue(prompts.stream().anyMatch(p -> p.text().contains("\n")), "quoted newlines survive");
  }

  @Test
  void theSmallStrongRejectSetIsASubsetWithCaseInsensitiveCategories() {
    List<Prompt> small = new StrongRejectImporter().readAll(BENCHMARKS.resolve("strongreject/strongreject_small_dataset.csv"));
    assertEquals(60, small.size());
    assertEquals(Set.of(10L), new HashSet<>(count(small, Prompt::category).values()));
    Set<String> fullIds = new StrongRejectImporter().readAll(BENCHMARKS.resolve("strongreject/strongreject_dataset.csv"))
        .stream().map(Prompt::id).collect(Collectors.toSet());
    assertTrue(small.stream().allMatch(p -> fullIds.contains(p.id())), "same text, same id");
  }

  @Test
  void xstestGives250ComplyAnd200DeclineEachWithAnAnchor() {
    List<Prompt> prompts = new XsTestImporter().readAll(BENCHMARKS.resolve("xstest/xstest_prompts.csv"));
    assertEquals(450, prompts.size());
    // The 200 unsafe prompts are declined: refused, except self-harm ones, which the spec safe-completes.
    assertEquals(Map.of("comply", 250L, "refuse", 191L, "safe-complete", 9L), count(prompts, p -> p.expected().wireName()));
    assertTrue(prompts.stream().filter(p -> p.expected() == Style.SAFE_COMPLETE)
        .allMatch(p -> p.category().equals("self-harm")));
    assertTrue(prompts.stream().allMatch(p -> CategoryMap.anchorsUsed().contains(p.category())));
    assertTrue(prompts.stream().filter(p -> ((String) p.metadata().get("type")).startsWith("contrast_"))
        .allMatch(p -> p.expected() != Style.COMPLY));
    Map<String, Long> categories = count(prompts, Prompt::category);
    assertEquals(75L, categories.get("privacy"));
    assertTrue(categories.get("hate") >= 75L, "all discrimination types and more");
    assertEquals("1", prompts.get(0).metadata().get("xstest_id"));
    assertTrue(prompts.stream().allMatch(p -> p.metadata().get("reason") instanceof String), "every type has a reason");
  }
}
