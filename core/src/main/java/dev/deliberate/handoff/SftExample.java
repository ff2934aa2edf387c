package dev.deliberate.handoff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import java.nio.file.Path;
import java.util.List;

/**
 * One training example of our SFT file ({@code sft.jsonl}): {@code {"id", "messages": [prompt messages...,
 * assistant answer], "reasoning": CoT, "category", ...}}.
 *
 * @param id the example's id
 * @param prompt the messages before the answer
 * @param reasoning the chain of thought, empty for direct-answer examples
 * @param answer the final answer
 * @param category the spec anchor, or null
 */
// TODO(lead): once the dataset exporters are on main, read their SFT record type here instead of this decoder.
public record SftExample(String id, List<Message> prompt, String reasoning, String answer, String category) {
  public SftExample {
    prompt = List.copyOf(prompt);
    reasoning = reasoning == null ? "" : reasoning;
  }

  /** Opens an SFT JSONL file; a bad line fails with {@code FILE:LINE: ...}. */
  public static JsonlReader<SftExample> read(Path file) {
    return JsonlReader.open(file, SftExample::decode, false);
  }

  static SftExample decode(JsonNode node) {
    Prompt parsed = Prompts.decode(node);
    List<Message> messages = parsed.messages();
    Message last = messages.get(messages.size() - 1);
    if (!last.role().equals("assistant") || messages.size() < 2) {
      throw new BadInputException("field 'messages': expected the prompt messages followed by the assistant's answer");
    }
    JsonNode reasoning = node.get("reasoning");
    if (reasoning != null && !reasoning.isNull() && !reasoning.isTextual()) {
      throw new BadInputException("field 'reasoning': expected a string");
    }
    return new SftExample(parsed.id(), messages.subList(0, messages.size() - 1),
        reasoning == null || reasoning.isNull() ? "" : reasoning.asText(), last.content(), parsed.category());
  }

  /**
   * The assistant turn a model is trained to write: the reasoning in a {@code <think>} block, then the answer. The
   * chat templates of open reasoning models use this form, and the reward server cuts it before judging.
   */
  // TODO(lead): use the HF messages exporter's think-block rendering once it is on main, so both agree.
  public String assistantText() {
    if (reasoning.isBlank()) {
      return answer;
    }
    return "<think>\n" + reasoning.strip() + "\n</think>\n\n" + answer;
  }
}
