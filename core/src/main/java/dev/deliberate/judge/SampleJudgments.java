package dev.deliberate.judge;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The K judgments of one sample, as stored one per line in {@code judgments.jsonl}, with their aggregate. The
 * paper keeps the minimum ("any single run may overlook an issue"); the mean is stored for analysis. A failed
 * judgment counts as 0 in both, so a sample with any failed judgment cannot pass a positive threshold.
 *
 * @param id stable hash of the sample id, the judge id, K, the sees-CoT switch and the hint switch
 * @param sampleId the judged sample
 * @param promptId its prompt
 * @param judge the judge's id
 * @param seesCot whether the judge saw the chain of thought
 * @param judgments the K verdicts in order
 * @param min the minimum score: the one the filter uses
 * @param mean the mean score
 * @param suspicious any verdict flagged the text as trying to instruct the judge
 * @param failures how many verdicts failed
 */
public record SampleJudgments(
    String id,
    @JsonProperty("sample_id") String sampleId,
    @JsonProperty("prompt_id") String promptId,
    String judge,
    @JsonProperty("sees_cot") boolean seesCot,
    List<Judgment> judgments,
    double min,
    double mean,
    boolean suspicious,
    int failures) {
  public SampleJudgments {
    judgments = List.copyOf(judgments);
  }

  public static SampleJudgments aggregate(String id, String sampleId, String promptId, String judge, boolean seesCot,
      List<Judgment> judgments) {
    if (judgments.isEmpty()) {
      throw new IllegalArgumentException("at least one judgment is needed");
    }
    double min = judgments.stream().mapToDouble(Judgment::score).min().orElseThrow();
    double mean = judgments.stream().mapToDouble(Judgment::score).average().orElseThrow();
    boolean suspicious = judgments.stream().anyMatch(Judgment::suspicious);
    int failures = (int) judgments.stream().filter(j -> !j.ok()).count();
    return new SampleJudgments(id, sampleId, promptId, judge, seesCot, judgments, min, mean, suspicious, failures);
  }
}
