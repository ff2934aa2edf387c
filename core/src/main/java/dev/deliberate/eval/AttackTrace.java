package dev.deliberate.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a model wrote the prompt an answer replies to: a model-driven attack, or the translation of a multilingual
 * suite. Stored with the answer and carried into its grade, for the report's per-attack rounds and calls.
 *
 * @param model the attacker's (or translator's) id
 * @param rounds attacker rounds used
 * @param calls model calls spent on this answer besides the grade: attacker, target (and judge, for PAIR) and the
 *     translation of the answer back into English
 * @param failure why the attack failed (the target was then asked the plain request), or null
 * @param originalAnswer the target's answer as written, when graders read a translation of it; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttackTrace(String model, int rounds, int calls, String failure,
    @JsonProperty("original_answer") String originalAnswer) {
  public boolean failed() {
    return failure != null;
  }
}
