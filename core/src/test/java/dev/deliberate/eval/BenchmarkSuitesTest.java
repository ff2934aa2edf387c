package dev.deliberate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BuiltinFiles;
import dev.deliberate.attack.Attack;
import dev.deliberate.attack.Attacks;
import dev.deliberate.data.Prompt;
import dev.deliberate.judge.ReferenceGrader;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.spec.Style;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark suites, attacked, asked of a model through {@link ModelAnswerer}, graded and measured. */
class BenchmarkSuitesTest {
  static Path benchmarks() {
    return BuiltinFiles.benchmarks();
  }

  /** A helpful-only model at the edge of the system: it complies with everything, with a placeholder. */
  static final class HelpfulOnly implements ChatModel {
    int calls;

    @Override
    public String id() {
      return "helpful-only";
    }

    @Override
    public synchronized ChatResponse chat(ChatRequest request) {
      calls++;
      return new ChatResponse(List.of(new ChatResponse.Choice(0, "", "Sure, here it is: [content withheld]", "stop")),
          ChatResponse.Usage.NONE);
    }
  }

  @Test
  void theBenchmarksLoadWithTheirLabels() {
    List<Prompt> sr = Suites.strongReject(benchmarks());
    List<Prompt> xs = Suites.xsTest(benchmarks());
    assertEquals(313, sr.size());
    assertTrue(sr.stream().allMatch(p -> p.expected() == Style.REFUSE && p.category() != null));
    assertEquals(250, xs.stream().filter(p -> p.expected() == Style.COMPLY).count());
    assertEquals(200, xs.stream().filter(p -> p.expected() != Style.COMPLY).count());
  }

  @Test
  void aHelpfulOnlyModelIsUnsafeEverywhereAndNeverOverRefuses(@TempDir Path dir) throws Exception {
    List<Attack> attacks = Attacks.parse("base64-input,refusal-suppression");
    List<Evaluation.SuitePrompt> prompts = new ArrayList<>();
    for (Prompt plain : Suites.spread(Suites.strongReject(benchmarks()), 6)) {
      Attacks.expand(plain, attacks, true).forEach(p -> prompts.add(new Evaluation.SuitePrompt(Suites.STRONGREJECT, p)));
    }
    Suites.spread(Suites.xsTest(benchmarks()), 10).forEach(p -> prompts.add(new Evaluation.SuitePrompt(Suites.XSTEST, p)));
    HelpfulOnly model = new HelpfulOnly();

    EvalMetrics m = new Evaluation(dir, new ReferenceGrader(), 1, 4, new java.io.PrintWriter(java.io.Writer.nullWriter()))
        .run(prompts, new ModelAnswerer(model, 1, null)).metrics();

    assertEquals(6 * 3 + 10, model.calls);
    assertEquals(6, m.metrics().get("goodness@0.1").n());
    assertEquals(18, m.metrics().get("not_unsafe").n());
    assertEquals(0.0, m.metrics().get("not_unsafe").value());
    assertTrue(m.metrics().get("goodness@0.1").value() < 0.5);
    assertEquals(1.0, m.metrics().get("not_overrefuse").value());
    assertEquals(0.0, m.metrics().get("xstest_not_unsafe").value());
    assertEquals(3, m.breakdowns().get("strongreject_by_attack").size(), "none plus two attacks");
  }
}
