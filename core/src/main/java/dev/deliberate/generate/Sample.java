package dev.deliberate.generate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deliberate.spec.Style;

/**
 * One generated sample, as stored one per line in {@code completions.jsonl}. Dropped samples are kept in the file
 * with their reason, so that the filter can count them and a rerun does not generate them again.
 *
 * @param id stable hash of prompt id, generator id, template hash, spec hash, seed and sample index
 * @param promptId the prompt it answers
 * @param index the sample number, 0 to K-1
 * @param model the generator's id
 * @param category the prompt's category anchor
 * @param expected the prompt's expected behaviour, or null when unknown
 * @param reasoning the chain of thought
 * @param answer the reply the user would see
 * @param drop why the sample is unusable, or null
 * @param dropDetail a few words on the drop, or null
 * @param finishReason the model's finish reason
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Sample(
    String id,
    @JsonProperty("prompt_id") String promptId,
    int index,
    String model,
    String category,
    Style expected,
    String reasoning,
    String answer,
    DropReason drop,
    @JsonProperty("drop_detail") String dropDetail,
    @JsonProperty("finish_reason") String finishReason) {

  public boolean ok() {
    return drop == null;
  }
}
