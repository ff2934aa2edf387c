package dev.deliberate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BuiltinFiles;
import dev.deliberate.attack.Attacks;
import dev.deliberate.data.JsonlWriter;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.eval.Suites;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validation part: requests of its own, only attacks training sees, and the same training set without it. */
class ValidationSplitTest {
  @TempDir Path dir;

  private Path attacked() {
    List<Prompt> plain = Suites.strongReject(BuiltinFiles.benchmarks());
    Path in = dir.resolve("in.jsonl");
    JsonlWriter.writeAll(in, Attacks.apply(Attacks.parse("prefix-injection,distractors"), plain, true));
    return in;
  }

  private Stages.SplitCounts split(String name, double validationShare) {
    return Stages.split(attacked(), dir.resolve(name + "-train.jsonl"), dir.resolve(name + "-validation.jsonl"),
        dir.resolve(name + "-eval.jsonl"), dir.resolve(name + "-dropped.jsonl"), 7,
        new PipelineConfig.Split(0.3, validationShare, List.of("distractors")));
  }

  private Set<String> requests(String file) {
    return Prompts.readAll(dir.resolve(file)).stream().map(Prompt::request).collect(Collectors.toSet());
  }

  @Test
  void validationRequestsAreNeitherTrainedOnNorEvaluatedAndSeeOnlyTrainingAttacks() {
    Stages.SplitCounts c = split("v", 0.1);
    Set<String> train = requests("v-train.jsonl");
    Set<String> validation = requests("v-validation.jsonl");
    Set<String> eval = requests("v-eval.jsonl");
    int all = train.size() + validation.size() + eval.size();
    assertEquals(313, all, "every request is in exactly one part");
    Set<String> overlap = new HashSet<>(validation);
    overlap.retainAll(train);
    overlap.addAll(validation.stream().filter(eval::contains).toList());
    assertTrue(overlap.isEmpty(), "shared requests: " + overlap);
    assertEquals(31, validation.size(), "a tenth of the requests");
    assertTrue(Prompts.readAll(dir.resolve("v-validation.jsonl")).stream()
        .noneMatch(p -> "distractors".equals(p.attack())), "no held-out attack in validation");
    assertEquals(c.validation(), Prompts.readAll(dir.resolve("v-validation.jsonl")).size());

    split("none", 0);
    assertEquals(requests("none-eval.jsonl"), eval, "the eval part does not depend on the validation share");
    Set<String> trainWithout = requests("none-train.jsonl");
    trainWithout.removeAll(validation);
    assertEquals(train, trainWithout, "validation is taken out of what would have been training");
  }
}
