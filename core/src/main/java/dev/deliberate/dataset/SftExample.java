package dev.deliberate.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.generate.Sample;
import dev.deliberate.spec.Style;
import java.util.ArrayList;
import java.util.List;

/**
 * One training example with the spec stripped: the prompt's own messages, then the assistant's reply; the chain of
 * thought beside it. Neither the spec nor the generation instructions appear: the stage-1 system message is simply
 * not part of the prompt's messages. This is our JSONL format ({@code sft.jsonl}), which the SFT trainer reads
 * ({@code messages} plus the optional {@code reasoning}).
 *
 * @param id the sample's id
 * @param messages the prompt's messages followed by {@code {"role": "assistant", "content": ANSWER}}
 * @param reasoning the chain of thought the model should learn to produce before the reply
 * @param category the prompt's category anchor
 * @param expected the prompt's expected behaviour, or null
 * @param source the prompt's source
 * @param attack the attack applied to the prompt, or null
 * @param promptId the prompt's id
 * @param score the minimum judge score that let it through
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SftExample(
    String id,
    List<Message> messages,
    String reasoning,
    String category,
    Style expected,
    String source,
    String attack,
    @JsonProperty("prompt_id") String promptId,
    double score) {
  public SftExample {
    messages = List.copyOf(messages);
  }

  public static SftExample of(Prompt prompt, Sample sample, double score) {
    List<Message> messages = new ArrayList<>(prompt.messages());
    messages.add(Message.assistant(sample.answer()));
    return new SftExample(sample.id(), messages, sample.reasoning(), prompt.category(), prompt.expected(),
        prompt.source(), prompt.attack(), prompt.id(), score);
  }

  /** The prompt's messages without the reply. */
  public List<Message> promptMessages() {
    return messages.subList(0, messages.size() - 1);
  }

  /** The reply. */
  public String answer() {
    return messages.get(messages.size() - 1).content();
  }
}
