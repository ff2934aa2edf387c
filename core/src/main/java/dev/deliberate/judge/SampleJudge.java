package dev.deliberate.judge;

import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import dev.deliberate.generate.Sample;
import dev.deliberate.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Judges one generated sample K times. The k-th verdict comes from {@code judges.apply(k)}, so a model judge can
 * use a different seed per verdict; the chain of thought is passed only when {@code seesCot} (on for filtering,
 * off for RL and evaluation), and the prompt's expected behaviour is offered as a label hint when {@code labelHint}.
 */
public final class SampleJudge {
  private final Spec spec;
  private final IntFunction<Judge> judges;
  private final int k;
  private final boolean seesCot;
  private final boolean labelHint;
  private final String specHash;
  private final java.util.Map<String, String> excerpts = new java.util.concurrent.ConcurrentHashMap<>();

  public SampleJudge(Spec spec, IntFunction<Judge> judges, int k, boolean seesCot, boolean labelHint) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    this.spec = spec;
    this.judges = judges;
    this.k = k;
    this.seesCot = seesCot;
    this.labelHint = labelHint;
    this.specHash = spec.hash();
  }

  public String judgeId() {
    return judges.apply(0).id();
  }

  /** The stable id of the judgments record of a sample under this configuration. */
  public String recordId(Sample sample) {
    return Hashes.shortId("j-", sample.id(), judgeId(), Integer.toString(k), Boolean.toString(seesCot),
        Boolean.toString(labelHint), specHash);
  }

  public SampleJudgments judge(Prompt prompt, Sample sample) {
    String hint = labelHint && prompt.expected() != null ? Rubric.labelHint(prompt.expected()) : null;
    JudgeInput input = new JudgeInput(excerpts.computeIfAbsent(prompt.category(), spec::excerpt), prompt, seesCot ? sample.reasoning() : null,
        sample.answer(), hint);
    List<Judgment> verdicts = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      verdicts.add(judges.apply(i).judge(input));
    }
    return SampleJudgments.aggregate(recordId(sample), sample.id(), prompt.id(), judgeId(), seesCot, verdicts);
  }
}
