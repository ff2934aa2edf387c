package dev.deliberate.attack;

import dev.deliberate.data.Message;
import dev.deliberate.judge.RefusalClass;
import dev.deliberate.judge.StyleReader;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import java.util.List;

/**
 * One call to the attacker and what came back: its text, or why it cannot be used. The attacker's reply is
 * untrusted: no choice, blank text, or a refusal (read by the project's one {@link StyleReader}) is a failure, never
 * retried, so a refusing attacker costs one call per request, not a loop.
 */
record AttackerReply(String text, String failure) {
  /**
   * The longest reply asked for: room for a rewritten request or the translation of an answer, and a bound on what
   * a rambling attacker costs.
   */
  static final int MAX_TOKENS = 512;

  /** The request sent: our instructions as the system message, then the text; greedy, fixed seed, so it caches. */
  static ChatRequest request(String instructions, String text) {
    return ChatRequest.of(List.of(Message.system(instructions), Message.user(text))).withTemperature(0.0).withSeed(0L)
        .withMaxTokens(MAX_TOKENS);
  }

  /** Asks once; a failed call throws ({@link dev.deliberate.model.ModelException}). */
  static AttackerReply ask(ChatModel attacker, String instructions, String text, boolean refusalFails) {
    ChatResponse response = attacker.chat(request(instructions, text));
    if (response.choices().isEmpty()) {
      return new AttackerReply(null, attacker.id() + " returned no choices");
    }
    String content = response.choices().get(0).content().strip();
    if (content.isEmpty()) {
      return new AttackerReply(null, attacker.id() + " returned an empty reply");
    }
    if (refusalFails && StyleReader.read(content).refusal() == RefusalClass.FULL_REFUSAL) {
      return new AttackerReply(null, attacker.id() + " refused: " + clip(content));
    }
    return new AttackerReply(content, null);
  }

  boolean ok() {
    return failure == null;
  }

  static String clip(String text) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= 120 ? line : line.substring(0, 117) + "...";
  }
}
