package dev.deliberate.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.spec.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads request bodies into {@link RewardItem}s. Every problem is a {@link BadInputException} whose message names
 * the field ({@code labels[3]}, {@code items[0].category}) and what was expected; the server answers it with 400.
 *
 * <p>Labels (OpenRLHF's {@code labels}, one per query) name the prompt's category in one of two forms: the bare
 * anchor ({@code "violence"}), or a JSON object, given as such or as a string holding it:
 * {@code {"category": "violence", "expected": "refuse"}} where {@code expected} is optional (comply, refuse or
 * safe-complete; the category's default style when absent). An empty category ({@code ""}, OpenRLHF's label when a
 * run has no label key) means unlabelled: the item's category is null and the scorer classifies the prompt. A
 * category that is not empty and not the spec's is an error.
 */
final class RewardRequests {
  /** End-of-turn markers that decoders leave at the end of a response when special tokens are kept. */
  private static final List<String> END_MARKERS = List.of(
      "<|im_end|>", "<|endoftext|>", "</s>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|return|>",
      "<\uFF5Cend\u2581of\u2581sentence\uFF5C>");

  private final Set<String> categories;
  private final String known;

  /** @param categories the category anchors of the spec, in document order */
  RewardRequests(Set<String> categories) {
    this.categories = Set.copyOf(categories);
    this.known = String.join(", ", categories);
  }

  /** Parses bytes as JSON; a syntax error names the body and where the error is. */
  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new BadInputException("body: empty; expected a JSON object");
    }
    try {
      return Json.mapper().readTree(body);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      String what = e.getOriginalMessage().lines().findFirst().orElse("").replaceAll("\\s*\\(start marker at .*$", "");
      throw new BadInputException("body: not valid JSON" + where + ": " + what);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** OpenRLHF's remote reward request: {@code {"query": [...], "prompts": [...], "labels": [...]}}. */
  List<RewardItem> openRlhf(JsonNode body) {
    requireObject(body, "body");
    JsonNode query = requireArray(body, "query");
    JsonNode prompts = requireArray(body, "prompts");
    JsonNode labels = body.get("labels");
    if (labels == null || labels.isNull()) {
      throw new BadInputException("labels: missing; expected one label per query naming its category "
          + "(an anchor, or {\"category\": ..., \"expected\": ...}); set OpenRLHF's --data.label_key");
    }
    if (!labels.isArray()) {
      throw new BadInputException("labels: expected an array, got " + kind(labels));
    }
    if (prompts.size() != query.size() || labels.size() != query.size()) {
      throw new BadInputException("query, prompts and labels: expected arrays of the same length, got "
          + query.size() + ", " + prompts.size() + " and " + labels.size());
    }
    List<RewardItem> items = new ArrayList<>(query.size());
    for (int i = 0; i < query.size(); i++) {
      String q = text(query.get(i), "query[" + i + "]");
      String p = text(prompts.get(i), "prompts[" + i + "]");
      Label label = label(labels.get(i), "labels[" + i + "]");
      items.add(new RewardItem(List.of(Message.user(p)), responseOf(q, p, i), label.category(), label.expected()));
    }
    return items;
  }

  /**
   * The plain scoring request: one item object, an array of items, or {@code {"items": [...]}}; each item is
   * {@code {"prompt", "response", "category", "expected"?}} where prompt is text or a list of chat messages and
   * response is text or a list of messages whose last assistant message is the response.
   */
  List<RewardItem> score(JsonNode body) {
    JsonNode array;
    String prefix;
    if (body.isArray()) {
      array = body;
      prefix = "";
    } else if (body.isObject() && body.has("items")) {
      array = requireArray(body, "items");
      prefix = "items";
    } else if (body.isObject()) {
      return List.of(item(body, ""));
    } else {
      throw new BadInputException("body: expected an item object, an array of items or {\"items\": [...]}, got " + kind(body));
    }
    List<RewardItem> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      items.add(item(array.get(i), prefix + "[" + i + "]"));
    }
    return items;
  }

  private RewardItem item(JsonNode node, String path) {
    String at = path.isEmpty() ? "" : path + ".";
    requireObject(node, path.isEmpty() ? "body" : path);
    JsonNode prompt = node.get("prompt");
    if (prompt == null || prompt.isNull()) {
      throw new BadInputException(at + "prompt: missing; expected the prompt as text or a list of messages");
    }
    JsonNode response = node.get("response");
    if (response == null || response.isNull()) {
      throw new BadInputException(at + "response: missing; expected the response as text or a list of messages");
    }
    JsonNode category = node.get("category");
    if (category == null || category.isNull()) {
      throw new BadInputException(at + "category: missing; expected one of " + known);
    }
    String anchor = categoryOrUnlabelled(text(category, at + "category"), at + "category");
    Style expected = expected(node.get("expected"), at + "expected");
    return new RewardItem(messages(prompt, at + "prompt"), response(response, at + "response"), anchor, expected);
  }

  private record Label(String category, Style expected) {}

  private Label label(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      throw new BadInputException(path + ": missing; expected a category anchor or {\"category\": ..., \"expected\": ...}");
    }
    JsonNode object = node;
    if (node.isTextual()) {
      String text = node.asText().strip();
      if (!text.startsWith("{")) {
        return new Label(categoryOrUnlabelled(text, path), null);
      }
      try {
        object = Json.mapper().readTree(text);
      } catch (JsonProcessingException e) {
        throw new BadInputException(path + ": looks like a JSON object but is not valid JSON: "
            + e.getOriginalMessage().lines().findFirst().orElse(""));
      }
    }
    if (!object.isObject()) {
      throw new BadInputException(path + ": expected a category anchor or {\"category\": ..., \"expected\": ...}, got " + kind(node));
    }
    JsonNode category = object.get("category");
    if (category == null || category.isNull()) {
      throw new BadInputException(path + ".category: missing; expected one of " + known);
    }
    return new Label(categoryOrUnlabelled(text(category, path + ".category"), path + ".category"),
        expected(object.get("expected"), path + ".expected"));
  }

  /** The anchor named, or null for an empty one (unlabelled). */
  private String categoryOrUnlabelled(String anchor, String path) {
    return anchor.isBlank() ? null : category(anchor, path);
  }

  private String category(String anchor, String path) {
    String trimmed = anchor.strip();
    if (trimmed.startsWith("#")) {
      trimmed = trimmed.substring(1);
    }
    if (!categories.contains(trimmed)) {
      throw new BadInputException(path + ": unknown category '" + anchor + "'; expected one of " + known);
    }
    return trimmed;
  }

  private static Style expected(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return null;
    }
    String text = text(node, path);
    try {
      return Style.parse(text);
    } catch (BadInputException e) {
      throw new BadInputException(path + ": unknown behaviour '" + text + "'; expected one of " + Style.names());
    }
  }

  private static List<Message> messages(JsonNode node, String path) {
    if (node.isTextual()) {
      return List.of(Message.user(node.asText()));
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new BadInputException(path + ": expected text or a non-empty list of {\"role\", \"content\"} messages, got " + kind(node));
    }
    List<Message> messages = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode m = node.get(i);
      String at = path + "[" + i + "]";
      requireObject(m, at);
      JsonNode role = m.get("role");
      JsonNode content = m.get("content");
      if (role == null || role.isNull()) {
        throw new BadInputException(at + ".role: missing; expected system, user or assistant");
      }
      if (content == null || content.isNull()) {
        throw new BadInputException(at + ".content: missing; expected the message text");
      }
      messages.add(new Message(text(role, at + ".role"), text(content, at + ".content")));
    }
    return messages;
  }

  /** The response text: the text itself, or the content of the last assistant message of a list. */
  private static String response(JsonNode node, String path) {
    if (node.isTextual()) {
      return node.asText();
    }
    List<Message> messages = messages(node, path);
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role().equals("assistant")) {
        return messages.get(i).content();
      }
    }
    throw new BadInputException(path + ": expected an assistant message in the list");
  }

  /**
   * The response inside an OpenRLHF query, which is the prompt text followed by the response. When the decoded query
   * does not start with the prompt (a BOS token before it), the text after the prompt's first occurrence is taken.
   * End-of-turn markers left at the end are dropped.
   */
  static String responseOf(String query, String prompt, int index) {
    String response;
    if (query.startsWith(prompt)) {
      response = query.substring(prompt.length());
    } else {
      int at = prompt.isEmpty() ? -1 : query.indexOf(prompt);
      if (at < 0) {
        throw new BadInputException("query[" + index + "]: does not contain prompts[" + index
            + "]; expected the query to be the prompt followed by the response");
      }
      response = query.substring(at + prompt.length());
    }
    boolean cut = true;
    while (cut) {
      cut = false;
      String trimmed = response.stripTrailing();
      for (String marker : END_MARKERS) {
        if (trimmed.endsWith(marker)) {
          response = trimmed.substring(0, trimmed.length() - marker.length());
          cut = true;
        }
      }
    }
    return response;
  }

  private static JsonNode requireArray(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      throw new BadInputException(field + ": missing; expected an array");
    }
    if (!node.isArray()) {
      throw new BadInputException(field + ": expected an array, got " + kind(node));
    }
    return node;
  }

  private static void requireObject(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new BadInputException(path + ": expected a JSON object, got " + kind(node));
    }
  }

  private static String text(JsonNode node, String path) {
    if (node == null || !node.isTextual()) {
      throw new BadInputException(path + ": expected a string, got " + kind(node));
    }
    return node.asText();
  }

  private static String kind(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> node.getNodeType().toString().toLowerCase();
    };
  }
}
