package dev.deliberate.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deliberate.Hashes;
import dev.deliberate.spec.Style;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One prompt of a dataset, as stored one per line in {@code prompts.jsonl}.
 *
 * @param id stable hash of the content (source, attack and messages), see {@link #idFor}
 * @param messages the conversation sent to the model; usually one user message
 * @param category the spec anchor of the prompt's safety category, or null when not yet classified
 * @param expected the behaviour the spec requires, or null when unknown
 * @param source where the prompt came from, e.g. {@code strongreject}, {@code xstest}
 * @param attack the jailbreak attack applied, or null for the plain request
 * @param originalRequest the request before the attack was applied, or null when not attacked
 * @param metadata free fields kept from the source (benchmark category, type, note, ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Prompt(
    String id,
    List<Message> messages,
    String category,
    Style expected,
    String source,
    String attack,
    @JsonProperty("original_request") String originalRequest,
    Map<String, Object> metadata) {
  public Prompt {
    Objects.requireNonNull(messages, "messages");
    messages = List.copyOf(messages);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    if (id == null) {
      id = idFor(source, attack, messages);
    }
  }

  /** A plain (not attacked) single-turn prompt with its id computed from the content. */
  public static Prompt of(String text, String category, Style expected, String source, Map<String, Object> metadata) {
    return new Prompt(null, List.of(Message.user(text)), category, expected, source, null, null, metadata);
  }

  /** The stable content id: the same source, attack and messages always give the same id. */
  public static String idFor(String source, String attack, List<Message> messages) {
    String body = messages.stream().map(m -> m.role() + ":" + m.content()).collect(Collectors.joining("\u0001"));
    return Hashes.shortId("p-", String.valueOf(source), String.valueOf(attack), body);
  }

  /** The text of the last user message: the request itself for single-turn prompts. */
  @JsonIgnore
  public String text() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role().equals("user")) {
        return messages.get(i).content();
      }
    }
    return messages.get(messages.size() - 1).content();
  }

  /** The underlying request: the original one when attacked, else the prompt text. */
  @JsonIgnore
  public String request() {
    return originalRequest != null ? originalRequest : text();
  }

  /** This prompt with its last user message replaced by an attacked version; the id is recomputed. */
  public Prompt attacked(String attackName, String attackedText) {
    List<Message> newMessages = new java.util.ArrayList<>(messages);
    int last = newMessages.size() - 1;
    for (int i = last; i >= 0; i--) {
      if (newMessages.get(i).role().equals("user")) {
        last = i;
        break;
      }
    }
    newMessages.set(last, Message.user(attackedText));
    return new Prompt(null, newMessages, category, expected, source, attackName, request(), metadata);
  }

  public Prompt withCategory(String newCategory) {
    return new Prompt(id, messages, newCategory, expected, source, attack, originalRequest, metadata);
  }
}
