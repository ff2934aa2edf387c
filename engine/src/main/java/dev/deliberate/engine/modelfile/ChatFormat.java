package dev.deliberate.engine.modelfile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.data.Json;
import dev.deliberate.data.Message;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.model.ReasoningSplitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How chat messages become the text a local model reads and writes. We do not run Jinja templates; we recognise
 * two layouts from a directory's {@code chat_template}:
 *
 * <ul>
 *   <li>{@link #THINK}, our own (the built-in tiny model):
 *       {@code <|system|>S<|end|><|user|>U<|end|><|assistant|><think>R</think>A<|end|>} — every assistant turn
 *       opens with its reasoning R between think tags, then the answer A;
 *   <li>{@link #CHATML} ({@code <|im_start|>role\n...<|im_end|>\n}), used by SmolLM2, Qwen2 and many others;
 *       the reasoning, when there is one, opens the assistant content as {@code <think>R</think>}.
 * </ul>
 *
 * @param name the layout's name
 * @param roleOpen the text before a message's content, with {@code %s} for the role
 * @param turnEnd the text after a message's content
 * @param stop the text that ends the assistant's turn when the model writes it
 * @param alwaysThink whether assistant turns carry a think block even when the reasoning is empty
 */
public record ChatFormat(String name, String roleOpen, String turnEnd, String stop, boolean alwaysThink) {
  public static final ChatFormat THINK = new ChatFormat("think", "<|%s|>", "<|end|>", "<|end|>", true);
  public static final ChatFormat CHATML =
      new ChatFormat("chatml", "<|im_start|>%s\n", "<|im_end|>\n", "<|im_end|>", false);

  public static final String THINK_OPEN = ReasoningSplitter.THINK_OPEN;
  public static final String THINK_CLOSE = ReasoningSplitter.THINK_CLOSE;

  /** The Jinja template that renders {@link #THINK} in the Hugging Face ecosystem (assistant content holds the think block). */
  public static final String THINK_TEMPLATE =
      "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}<|end|>{% endfor %}"
          + "{% if add_generation_prompt %}<|assistant|>{% endif %}";

  /** The text of the conversation followed by an open assistant turn for the model to continue. */
  public String prompt(List<Message> messages) {
    StringBuilder text = new StringBuilder();
    for (Message m : messages) {
      text.append(roleOpen.formatted(m.role())).append(m.content()).append(turnEnd);
    }
    return text.append(roleOpen.formatted("assistant")).toString();
  }

  /** The assistant turn the model should write: think block (if any), answer, end of turn. */
  public String assistantTurn(String reasoning, String answer) {
    return assistantContent(reasoning, answer) + turnEnd;
  }

  /** The assistant content, with the reasoning as a think block in front of the answer. */
  public String assistantContent(String reasoning, String answer) {
    boolean think = alwaysThink || (reasoning != null && !reasoning.isEmpty());
    return (think ? THINK_OPEN + (reasoning == null ? "" : reasoning) + THINK_CLOSE : "") + answer;
  }

  /**
   * Separates what a model wrote into reasoning and answer. Both layouts write reasoning as think blocks, so this
   * is the project's one splitter ({@link ReasoningSplitter}), which every other reader of model text uses too.
   */
  public static ReasoningSplitter.Split split(String generated) {
    return ReasoningSplitter.split(generated);
  }

  /**
   * The format of a model directory, read from {@code tokenizer_config.json}'s {@code chat_template}; without
   * one, ChatML when the tokenizer knows {@code <|im_start|>}.
   */
  public static ChatFormat of(Path dir, TextTokenizer tokenizer) {
    Path file = dir.resolve("tokenizer_config.json");
    String template = "";
    if (Files.isRegularFile(file)) {
      try {
        JsonNode node = Json.mapper().readTree(file.toFile()).path("chat_template");
        template = node.isTextual() ? node.asText() : node.toString();
      } catch (IOException e) {
        throw new BadInputException(file + ": not valid JSON: " + LlamaConfig.firstLine(e.getMessage()));
      }
    }
    if (template.contains("<|assistant|>") && template.contains("<|end|>")) {
      return THINK;
    }
    if (template.contains("<|im_start|>") || (template.isEmpty() && tokenizer.singleTokenId("<|im_start|>").isPresent())) {
      return CHATML;
    }
    throw new BadInputException(file + ": field chat_template: not a layout we know (expected our <|user|>...<|end|>"
        + " layout or ChatML with <|im_start|>)");
  }
}
