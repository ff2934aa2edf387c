package dev.deliberate.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.TestSpecs;
import dev.deliberate.data.Prompt;
import dev.deliberate.generate.DropReason;
import dev.deliberate.generate.Sample;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.judge.Judgment;
import dev.deliberate.judge.SampleJudgments;
import dev.deliberate.spec.Style;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterTest {
  private final SpecTextCheck check = new SpecTextCheck(TestSpecs.tiny(), Stage1Prompt.standard());
  private final Map<String, Prompt> prompts = new HashMap<>();
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, SampleJudgments> judgments = new HashMap<>();

  private Prompt prompt(String text, String category) {
    Prompt p = Prompt.of(text, category, Style.REFUSE, "t", Map.of());
    prompts.put(p.id(), p);
    return p;
  }

  private void sample(Prompt p, int index, String answer, DropReason drop, Double... scores) {
    String id = p.id() + "-" + index;
    samples.add(new Sample(id, p.id(), index, "m", p.category(), p.expected(), "#violence-disallowed: refuse.",
        answer, drop, null, "stop"));
    if (scores.length > 0) {
      List<Judgment> verdicts = new ArrayList<>();
      for (Double s : scores) {
        verdicts.add(s == null ? Judgment.failed("malformed") : new Judgment(s, Map.of(), "", false, null));
      }
      judgments.put(id, SampleJudgments.aggregate("j-" + id, id, p.id(), "j", true, verdicts));
    }
  }

  @Test
  void keepsTheBestSampleAboveThresholdPerPromptAndCountsEveryDropWithItsReason() {
    Prompt a = prompt("a?", "violence");
    sample(a, 0, "I can't help with that.", null, 0.9, 0.8);       // min 0.8
    sample(a, 1, "Sorry, I can't help.", null, 1.0, 0.95);          // min 0.95: best
    sample(a, 2, "", DropReason.NO_ANSWER);
    Prompt b = prompt("b?", "violence");
    sample(b, 0, "No.", null, 1.0, 0.5);                             // min 0.5 below threshold
    sample(b, 1, "No!", null, 1.0, null);                            // a failed verdict
    sample(b, 2, "Nope.", null);                                     // never judged
    Prompt c = prompt("c?", "self-harm");
    sample(c, 0, "As the spec says, no.", DropReason.ANALYSIS_LEAK);
    sample(c, 1, "Refuse in one or two sentences, without moralising or lecturing the user.", null, 1.0);

    Filter.Result r = new Filter(FilterOptions.defaults(), check).apply(prompts, samples, judgments);
    assertEquals(1, r.examples().size());
    assertEquals("Sorry, I can't help.", r.examples().get(0).answer());
    assertEquals(0.95, r.examples().get(0).score());
    assertEquals(Map.of("violence", Map.of("no_answer", 1, "not_best_of_k", 1, "below_threshold", 1,
        "judge_failed", 1, "unjudged", 1), "self-harm", Map.of("analysis_leak", 1, "spec_text", 1)), r.summary().dropped());
    assertEquals(samples.size(), r.summary().kept() + r.summary().droppedTotal(), "nothing lost");
  }

  @Test
  void dedupAndCategoryCaps() {
    Prompt a = prompt("same question", "violence");
    Prompt a2 = new Prompt(null, a.messages(), "violence", Style.REFUSE, "other-source", null, null, Map.of());
    prompts.put(a2.id(), a2);
    sample(a, 0, "I can't help with that.", null, 1.0);
    sample(a2, 0, "I can't  help with that!", null, 0.9);
    for (int i = 0; i < 3; i++) {
      sample(prompt("q" + i, "violence"), 0, "I can't help with that.", null, 0.8);
    }
    FilterOptions capped = new FilterOptions(0.75, true, 3, true, true);
    Filter.Result r = new Filter(capped, check).apply(prompts, samples, judgments);
    assertEquals(3, r.examples().size());
    assertEquals(1.0, r.examples().get(0).score(), "the cap keeps the highest scores");
    assertEquals(Map.of("duplicate", 1, "category_cap", 1), r.summary().dropped().get("violence"));
  }

  @Test
  void suspiciousSamplesAreDropped() {
    Prompt a = prompt("a?", "violence");
    samples.add(new Sample("s", a.id(), 0, "m", "violence", Style.REFUSE, "#violence", "No.", null, null, "stop"));
    judgments.put("s", SampleJudgments.aggregate("j", "s", a.id(), "j", true,
        List.of(new Judgment(1.0, Map.of(), "", true, null))));
    Filter.Result r = new Filter(FilterOptions.defaults(), check).apply(prompts, samples, judgments);
    assertTrue(r.examples().isEmpty());
    assertEquals(Map.of("suspicious", 1), r.summary().dropped().get("violence"));
  }
}
