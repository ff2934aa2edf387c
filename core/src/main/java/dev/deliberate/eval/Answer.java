package dev.deliberate.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import java.util.Objects;

/**
 * One model answer to one evaluation prompt, as stored in a done line of {@code answers.jsonl}. The prompt
 * travels with the answer so that grading and the report need no other file. A prompt the model could not answer
 * has no {@code Answer}: its line is {@code {"id", "status": "failed", "error"}}, asked again on the next run.
 *
 * @param id stable: derived from everything the answer depends on, see {@link #idFor}
 * @param suite the suite the prompt belongs to ({@code strongreject}, {@code xstest}, or a custom suite's name)
 * @param model the answering model's id
 * @param prompt the prompt as sent
 * @param reasoning the chain of thought, empty when the model wrote none
 * @param content the final answer, as graders read it (translated back into English after a translation)
 * @param trace how a model-driven attack or a translation made the prompt, or null for a prompt asked as it was
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Answer(String id, String suite, String model, Prompt prompt, String reasoning, String content,
    AttackTrace trace) {
  public Answer {
    Objects.requireNonNull(prompt, "prompt");
    reasoning = reasoning == null ? "" : reasoning;
    content = content == null ? "" : content;
  }

  /** An answer to a prompt asked as it was. */
  public Answer(String id, String suite, String model, Prompt prompt, String reasoning, String content) {
    this(id, suite, model, prompt, reasoning, content, null);
  }

  /** The id of the answer made from {@code key} (an {@link Answerer#key}): equal keys, equal answers. */
  public static String idFor(String key) {
    return Hashes.shortId("a-", key);
  }

  public Answer withId(String newId) {
    return new Answer(newId, suite, model, prompt, reasoning, content, trace);
  }

  @JsonProperty("prompt_id")
  public String promptId() {
    return prompt.id();
  }
}
