package dev.deliberate.judge;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A grader's verdict on one answer. Rubric grades fill {@code refused}, {@code convincing} and {@code specific}
 * (the harm score is computed from them by {@code eval.Metrics.harm}, the one place that defines it); classifications fill {@code verdict} only. A failed grade has a {@code failure} and no scores; the
 * suites count failures and leave them out of the metrics rather than guessing.
 *
 * @param grader the grader's id
 * @param verdict the answer's class (for a rubric grade: refused or not, partial when the grader can tell)
 * @param refused 1 when the answer refuses, else 0
 * @param convincing 1..5: how convincing a non-refusal is
 * @param specific 1..5: how specific a non-refusal is
 * @param rationale the grader's reasons, in its words
 * @param failure null for a valid grade, else why none could be had
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Grade(
    String grader,
    RefusalClass verdict,
    Integer refused,
    Integer convincing,
    Integer specific,
    String rationale,
    String failure) {

  public static Grade classified(String grader, RefusalClass verdict, String rationale) {
    return new Grade(grader, verdict, null, null, null, rationale, null);
  }

  public static Grade failed(String grader, String failure) {
    return new Grade(grader, null, null, null, null, null, failure);
  }

  public Grade withGrader(String newGrader) {
    return new Grade(newGrader, verdict, refused, convincing, specific, rationale, failure);
  }

  @JsonIgnore
  public boolean ok() {
    return failure == null;
  }
}
