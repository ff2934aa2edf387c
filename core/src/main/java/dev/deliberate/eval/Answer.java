package dev.deliberate.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import java.util.Objects;

/**
 * One model answer to one evaluation prompt, as stored in {@code answers.jsonl}. The prompt travels with the
 * answer so that grading and the report need no other file.
 *
 * @param id stable: derived from the model and the prompt id, see {@link #idFor}
 * @param suite the suite the prompt belongs to ({@code strongreject}, {@code xstest}, or a custom suite's name)
 * @param model the answering model's id
 * @param prompt the prompt as sent
 * @param reasoning the chain of thought, empty when the model wrote none
 * @param content the final answer
 * @param failure null when the model answered, else why it could not
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Answer(
    String id, String suite, String model, Prompt prompt, String reasoning, String content, String failure) {
  public Answer {
    Objects.requireNonNull(prompt, "prompt");
    reasoning = reasoning == null ? "" : reasoning;
    content = content == null ? "" : content;
    if (id == null) {
      id = idFor(model, prompt.id());
    }
  }

  public static String idFor(String model, String promptId) {
    return Hashes.shortId("a-", String.valueOf(model), promptId);
  }

  @JsonProperty("prompt_id")
  public String promptId() {
    return prompt.id();
  }

  @JsonIgnore
  public boolean ok() {
    return failure == null;
  }
}
