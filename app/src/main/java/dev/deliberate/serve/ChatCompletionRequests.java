package dev.deliberate.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.data.Message;
import dev.deliberate.model.ChatRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the body of {@code POST /v1/chat/completions} (OpenAI's chat completions request) into a
 * {@link ChatRequest}. Every problem is an {@link Invalid} naming the field ({@code messages[1].content},
 * {@code max_tokens}) and what was expected; the server answers it with 400 and the field as the error's
 * {@code param}.
 *
 * <p>Fields are read strictly: the ones we honour ({@link #HONOURED}) are validated; OpenAI fields we do not
 * implement are accepted only at their neutral value (what a client sends when the user asked for nothing, such as
 * {@code frequency_penalty: 0} or {@code logprobs: false}), so that nothing a client asks for is silently ignored;
 * any other field is an error, as a misspelt option would otherwise do nothing.
 */
final class ChatCompletionRequests {
  static final Set<String> HONOURED = Set.of("model", "messages", "n", "temperature", "top_p", "max_tokens",
      "max_completion_tokens", "stop", "seed", "stream", "stream_options", "metadata", "user", "store");
  /** OpenAI fields we do not implement, accepted when absent, null or neutral ({@link #neutral}). */
  static final Set<String> NEUTRAL_ONLY = Set.of("frequency_penalty", "presence_penalty", "logprobs", "top_logprobs",
      "logit_bias", "tools", "tool_choice", "parallel_tool_calls", "response_format", "functions", "function_call",
      "service_tier", "modalities", "prediction", "audio", "reasoning_effort", "web_search_options");
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
  /** OpenAI's limit on stop sequences. */
  static final int MAX_STOP = 4;

  /** A request field is not what it should be: 400, with {@code param} naming it. */
  static final class Invalid extends BadInputException {
    private final String param;

    Invalid(String param, String message) {
      super(param + ": " + message);
      this.param = param;
    }

    String param() {
      return param;
    }
  }

  /**
   * One request as read.
   *
   * @param model the {@code model} field, or null when absent
   * @param request what to ask the model
   * @param stream whether to answer as server-sent events
   * @param includeUsage {@code stream_options.include_usage}: a last chunk with the usage
   * @param metadata the request's string metadata (the gateway reads a {@code category} label from it)
   */
  record Read(String model, ChatRequest request, boolean stream, boolean includeUsage, Map<String, String> metadata) {}

  private final int maxN;
  private final int maxTokens;

  /**
   * @param maxN the most choices one request may ask for
   * @param maxTokens the most new tokens one choice may ask for
   */
  ChatCompletionRequests(int maxN, int maxTokens) {
    this.maxN = maxN;
    this.maxTokens = maxTokens;
  }

  Read read(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new Invalid("body", "expected a JSON object");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (NEUTRAL_ONLY.contains(name)) {
        if (!neutral(body.get(name))) {
          throw new Invalid(name, "not supported by this server (only its default value is accepted)");
        }
      } else if (!HONOURED.contains(name)) {
        throw new Invalid(name, "unknown field; this server reads " + String.join(", ", HONOURED.stream().sorted().toList()));
      }
    }
    String model = optionalText(body, "model");
    List<Message> messages = messages(body.get("messages"));
    int n = optionalInt(body, "n", 1, maxN, 1);
    Double temperature = optionalNumber(body, "temperature", 0, 2);
    Double topP = optionalNumber(body, "top_p", 0, 1);
    if (topP != null && topP == 0) {
      throw new Invalid("top_p", "expected a number in (0, 1], got 0");
    }
    Integer tokens = optionalIntOrNull(body, "max_tokens", 1, maxTokens);
    Integer completionTokens = optionalIntOrNull(body, "max_completion_tokens", 1, maxTokens);
    if (tokens != null && completionTokens != null && !tokens.equals(completionTokens)) {
      throw new Invalid("max_completion_tokens", "differs from max_tokens (" + completionTokens + " vs " + tokens
          + "); give one of them");
    }
    Integer budget = completionTokens != null ? completionTokens : tokens;
    Long seed = null;
    JsonNode seedNode = body.get("seed");
    if (seedNode != null && !seedNode.isNull()) {
      if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
        throw new Invalid("seed", "expected an integer, got " + seedNode);
      }
      seed = seedNode.asLong();
    }
    List<String> stop = stop(body.get("stop"));
    boolean stream = optionalBoolean(body, "stream");
    boolean includeUsage = false;
    JsonNode options = body.get("stream_options");
    if (options != null && !options.isNull()) {
      if (!options.isObject()) {
        throw new Invalid("stream_options", "expected an object such as {\"include_usage\": true}");
      }
      for (Iterator<String> names = options.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!name.equals("include_usage")) {
          throw new Invalid("stream_options." + name, "unknown field; expected include_usage");
        }
      }
      includeUsage = optionalBoolean(options, "include_usage");
    }
    return new Read(model, new ChatRequest(messages, n, temperature, topP, budget, seed, stop, Map.of()), stream,
        includeUsage, metadata(body.get("metadata")));
  }

  /** Whether a field we do not implement holds what asks for nothing: null, 0, false, an empty list or object, "auto"/"none". */
  static boolean neutral(JsonNode value) {
    if (value == null || value.isNull()) {
      return true;
    }
    if (value.isNumber()) {
      return value.asDouble() == 0;
    }
    if (value.isBoolean()) {
      return !value.asBoolean();
    }
    if (value.isContainerNode()) {
      return value.isEmpty() || (value.isObject() && value.path("type").asText("").equals("text") && value.size() == 1);
    }
    return value.isTextual() && Set.of("none", "auto", "default", "text").contains(value.asText());
  }

  private static List<Message> messages(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new Invalid("messages", "missing; expected an array of {\"role\", \"content\"} objects");
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new Invalid("messages", "expected a non-empty array of {\"role\", \"content\"} objects");
    }
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String where = "messages[" + i + "]";
      JsonNode m = node.get(i);
      if (!m.isObject()) {
        throw new Invalid(where, "expected an object with \"role\" and \"content\"");
      }
      for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!Set.of("role", "content", "name").contains(name) && !neutral(m.get(name))) {
          throw new Invalid(where + "." + name, "not supported; a message has role, content and name");
        }
      }
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        throw new Invalid(where + ".role", "expected system, developer, user or assistant, got " + role);
      }
      // OpenAI's "developer" role is the system role of newer models.
      String r = role.asText().equals("developer") ? "system" : role.asText();
      out.add(new Message(r, content(m.get("content"), where + ".content")));
    }
    return out;
  }

  /** A message's text: a string, or an array of {@code {"type": "text", "text": ...}} parts joined. */
  private static String content(JsonNode node, String where) {
    if (node != null && node.isTextual()) {
      return node.asText();
    }
    if (node == null || !node.isArray()) {
      throw new Invalid(where, "expected a string or an array of text parts, got " + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < node.size(); i++) {
      JsonNode part = node.get(i);
      if (!part.path("type").asText("").equals("text") || !part.path("text").isTextual()) {
        throw new Invalid(where + "[" + i + "]", "only {\"type\": \"text\", \"text\": ...} parts are supported");
      }
      text.append(part.get("text").asText());
    }
    return text.toString();
  }

  private static List<String> stop(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      out.add(node.asText());
    } else if (node.isArray()) {
      for (JsonNode s : node) {
        if (!s.isTextual()) {
          throw new Invalid("stop", "expected a string or an array of strings");
        }
        out.add(s.asText());
      }
    } else {
      throw new Invalid("stop", "expected a string or an array of strings");
    }
    if (out.size() > MAX_STOP) {
      throw new Invalid("stop", "at most " + MAX_STOP + " sequences, got " + out.size());
    }
    if (out.stream().anyMatch(String::isEmpty)) {
      throw new Invalid("stop", "a stop sequence cannot be empty");
    }
    return out;
  }

  private static Map<String, String> metadata(JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new Invalid("metadata", "expected an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new Invalid("metadata." + e.getKey(), "expected a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static String optionalText(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new Invalid(field, "expected a string");
    }
    return node.asText();
  }

  private static boolean optionalBoolean(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new Invalid(field, "expected true or false, got " + node);
    }
    return node.asBoolean();
  }

  private static Double optionalNumber(JsonNode body, String field, double min, double max) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber() || node.asDouble() < min || node.asDouble() > max) {
      throw new Invalid(field, "expected a number in [" + fmt(min) + ", " + fmt(max) + "], got " + node);
    }
    return node.asDouble();
  }

  private static int optionalInt(JsonNode body, String field, int min, int max, int absent) {
    Integer value = optionalIntOrNull(body, field, min, max);
    return value == null ? absent : value;
  }

  private static Integer optionalIntOrNull(JsonNode body, String field, int min, int max) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
      throw new Invalid(field, "expected an integer in " + min + ".." + max + ", got " + node
          + (field.startsWith("max_") ? " (the server's limit is --max-tokens-limit)" : field.equals("n") ? " (--max-n)" : ""));
    }
    return node.asInt();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
