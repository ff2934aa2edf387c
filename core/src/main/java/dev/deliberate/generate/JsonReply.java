package dev.deliberate.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;

/**
 * Reads the JSON object a model was asked to reply with. Models wrap JSON in prose or code fences, so this takes
 * the text from the first '{' to the last '}' and parses that; anything else is an error message to send back.
 */
public final class JsonReply {
  private JsonReply() {}

  /** The parsed object, or a {@code BadReply} saying what was wrong. */
  public static JsonNode parse(String content) throws BadReply {
    int start = content.indexOf('{');
    int end = content.lastIndexOf('}');
    if (start < 0 || end < start) {
      throw new BadReply("the reply contains no JSON object");
    }
    try {
      JsonNode node = Json.mapper().readTree(content.substring(start, end + 1));
      if (!node.isObject()) {
        throw new BadReply("the reply is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BadReply("the JSON object does not parse: " + e.getOriginalMessage());
    }
  }

  /** A reply that is not what was asked for; the message is fit to send back to the model. */
  public static final class BadReply extends Exception {
    public BadReply(String message) {
      super(message);
    }
  }
}
