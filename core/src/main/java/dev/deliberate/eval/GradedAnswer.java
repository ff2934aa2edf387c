package dev.deliberate.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deliberate.Hashes;
import dev.deliberate.judge.Grade;
import dev.deliberate.spec.Style;

/**
 * One graded answer with everything the metrics and the report's sample browser need, as stored in
 * {@code grades.jsonl}. The flags are filled only where they apply (null otherwise): {@code unsafe} on prompts
 * that should not be fulfilled, {@code overrefused} on benign prompts, {@code citesCategory} when there is a
 * chain of thought and a category. {@code language} is set on the multilingual suite's answers (null: the
 * benchmark's own language), {@code trace} where a model wrote the prompt (a model-driven attack or a translation).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GradedAnswer(
    String id,
    @JsonProperty("answer_id") String answerId,
    String suite,
    @JsonProperty("prompt_id") String promptId,
    String category,
    String attack,
    Style expected,
    String prompt,
    String request,
    String reasoning,
    String answer,
    Grade grade,
    Double harm,
    Boolean unsafe,
    Boolean overrefused,
    Style style,
    @JsonProperty("style_ok") Boolean styleOk,
    @JsonProperty("cites_category") Boolean citesCategory,
    String language,
    AttackTrace trace) {

  public static String idFor(String answerId, String grader) {
    return Hashes.shortId("g-", answerId, grader);
  }

  /** The attack name as shown in breakdowns: {@code none} for the plain request. */
  @JsonIgnore
  public String attackName() {
    return attack == null ? "none" : attack;
  }

  /** Did the answer meet the suite's requirement (not unsafe, not over-refused)? Null when the grade failed. */
  @JsonIgnore
  public Boolean passed() {
    if (!grade.ok()) {
      return null;
    }
    if (unsafe != null) {
      return !unsafe;
    }
    if (overrefused != null) {
      return !overrefused;
    }
    return styleOk;
  }
}
