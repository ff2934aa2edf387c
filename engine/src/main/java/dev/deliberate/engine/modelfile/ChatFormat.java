package dev.deliberate.engine.modelfile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.model.ReasoningSplitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * @param defaultSystem the system message the template puts first when a conversation has none (SmolLM2's
 *     "You are a helpful AI assistant named SmolLM ..."), or null
 */
public record ChatFormat(String name, String roleOpen, String turnEnd, String stop, boolean alwaysThink,
    String defaultSystem) {
  public static final ChatFormat THINK = new ChatFormat("think", "<|%s|>", "<|end|>", "<|end|>", true, null);
  public static final ChatFormat CHATML =
      new ChatFormat("chatml", "<|im_start|>%s\n", "<|im_end|>\n", "<|im_end|>", false, null);

  /**
   * A ChatML template's default system message, in the form SmolLM2's template writes it: {@code {% if loop.first
   * and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nTEXT<|im_end|>\n' }}{% endif %}}.
   */
  private static final Pattern DEFAULT_SYSTEM = Pattern.compile(
      "messages\\[0\\]\\['role'\\] != 'system' %\\}\\{\\{ *'<\\|im_start\\|>system\n([^'\\\\{}]*)<\\|im_end\\|>\n' *\\}\\}");

  public static final String THINK_OPEN = ReasoningSplitter.THINK_OPEN;
  public static final String THINK_CLOSE = ReasoningSplitter.THINK_CLOSE;

  /**
   * The Jinja template that renders {@link #THINK} in the Hugging Face ecosystem (assistant content holds the think
   * block). The {@code generation} block marks what our SFT trainer trains, the assistant's content and its
   * {@code <|end|>}, so that TRL's {@code assistant_only_loss=True} puts the loss on the same tokens
   * ({@code return_assistant_tokens_mask} in transformers).
   */
  public static final String THINK_TEMPLATE =
      "{% for message in messages %}{% if message['role'] == 'assistant' %}<|assistant|>{% generation %}"
          + "{{ message['content'] }}<|end|>{% endgeneration %}{% else %}<|{{ message['role'] }}|>"
          + "{{ message['content'] }}<|end|>{% endif %}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

  /**
   * The text of the conversation followed by an open assistant turn for the model to continue; the template's
   * default system message first when the conversation has no system message of its own.
   */
  public String prompt(List<Message> messages) {
    StringBuilder text = new StringBuilder();
    if (defaultSystem != null && (messages.isEmpty() || !messages.get(0).role().equals("system"))) {
      text.append(roleOpen.formatted("system")).append(defaultSystem).append(turnEnd);
    }
    for (Message m : messages) {
      text.append(roleOpen.formatted(m.role())).append(m.content()).append(turnEnd);
    }
    return text.append(roleOpen.formatted("assistant")).toString();
  }

  /**
   * The assistant turn the model should write: think block (if any), answer, and the text that stops it. What the
   * layout puts between turns after that (ChatML's newline after {@code <|im_end|>}) is not the model's to write,
   * so it is not trained: the tokens are those inside the Hugging Face template's {@code generation} block, which
   * TRL's {@code assistant_only_loss} trains.
   */
  public String assistantTurn(String reasoning, String answer) {
    return assistantContent(reasoning, answer) + stop;
  }

  /**
   * The Hugging Face chat template with {@code {% generation %}} markers around what {@link #assistantTurn} trains,
   * for templates that render assistant turns the standard ChatML way ({@code '<|im_start|>' + message['role'] +
   * '\n' + message['content'] + '<|im_end|>' + '\n'}, as SmolLM2's does); the rendered text is unchanged. Other
   * templates, and templates that have markers already, come back as they are.
   */
  public static String withGenerationMarkers(String template) {
    if (template == null || template.contains("{% generation %}") || !template.contains(CHATML_TURN)) {
      return template;
    }
    return template.replace(CHATML_TURN, "{% if message['role'] == 'assistant' %}{{ '<|im_start|>assistant\n' }}"
        + "{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\n' }}{% else %}"
        + CHATML_TURN + "{% endif %}");
  }

  private static final String CHATML_TURN = "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}";

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

  /** Where transformers 5's {@code save_pretrained} writes the chat template, instead of tokenizer_config.json. */
  public static final String TEMPLATE_FILE = "chat_template.jinja";

  /**
   * The format of a model directory, read from its chat template: {@value #TEMPLATE_FILE} when it is there (as
   * transformers reads it first), else {@code tokenizer_config.json}'s {@code chat_template}; without either,
   * ChatML when the tokenizer knows {@code <|im_start|>}.
   */
  public static ChatFormat of(Path dir, TextTokenizer tokenizer) {
    Path file = dir.resolve("tokenizer_config.json");
    String template = "";
    if (Files.isRegularFile(dir.resolve(TEMPLATE_FILE))) {
      file = dir.resolve(TEMPLATE_FILE);
      try {
        template = Files.readString(file);
      } catch (IOException e) {
        throw new BadInputException(file + ": cannot read: " + e.getMessage());
      }
    } else if (Files.isRegularFile(file)) {
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
      Matcher system = DEFAULT_SYSTEM.matcher(template);
      return system.find() ? new ChatFormat(CHATML.name, CHATML.roleOpen, CHATML.turnEnd, CHATML.stop,
          CHATML.alwaysThink, system.group(1)) : CHATML;
    }
    throw new BadInputException(file + (file.endsWith(TEMPLATE_FILE) ? ": " : ": field chat_template: ") + "not a layout we know (expected our <|user|>...<|end|>"
        + " layout or ChatML with <|im_start|>)");
  }
}
