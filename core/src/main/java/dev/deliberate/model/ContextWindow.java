package dev.deliberate.model;

import dev.deliberate.data.Message;
import java.util.List;

/**
 * A model whose context length is known here, so that prompts can be measured before they are sent: a local model
 * (an endpoint only says when a prompt was too long).
 */
public interface ContextWindow {
  /** The tokens of a prompt as this model sees it: its chat format up to the opening of the assistant's turn. */
  int promptTokens(List<Message> messages);

  /** The most tokens the model attends to, prompt and answer together. */
  int contextTokens();
}
