package dev.deliberate.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model behind one or more OpenAI-compatible {@code /chat/completions} endpoints (vLLM, SGLang, Ollama,
 * llama.cpp server, OpenAI). Each call is one attempt: retries, caching and rate limits belong to the caller
 * ({@code run.ModelCaller}), so that they are counted and bounded in one place.
 *
 * <p>Requests go to the endpoint with the fewest requests in flight; each endpoint takes at most
 * {@code maxInFlightPerEndpoint} at once. The API key, when there is one, is sent as a bearer token and scrubbed
 * from every error message.
 */
public final class OpenAiChatModel implements ChatModel {
  private final String id;
  private final String model;
  private final List<Endpoint> endpoints;
  private final String apiKey;
  private final Duration timeout;
  private final HttpClient http;
  private final AtomicInteger nextTie = new AtomicInteger();

  /**
   * @param id the stable id for caches and manifests (no secret in it)
   * @param model the model name the server knows
   * @param baseUrls base URLs ending in {@code /v1} or similar; {@code /chat/completions} is appended
   * @param apiKey the bearer token, or null for servers that need none
   * @param timeout the longest one request may take, connect to last byte
   */
  public OpenAiChatModel(String id, String model, List<URI> baseUrls, String apiKey, Duration timeout, int maxInFlightPerEndpoint) {
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("at least one base URL is needed");
    }
    if (maxInFlightPerEndpoint < 1) {
      throw new IllegalArgumentException("maxInFlightPerEndpoint must be at least 1, was " + maxInFlightPerEndpoint);
    }
    this.id = id;
    this.model = model;
    this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
    this.timeout = timeout;
    List<Endpoint> list = new ArrayList<>();
    for (URI base : baseUrls) {
      String text = base.toString().replaceAll("/+$", "");
      list.add(new Endpoint(text, URI.create(text + "/chat/completions"), new Semaphore(maxInFlightPerEndpoint)));
    }
    this.endpoints = List.copyOf(list);
    // HTTP/1.1 because local servers rarely speak h2c and the upgrade attempt costs a round trip.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    byte[] body = requestBody(request);
    Endpoint endpoint = pick();
    try {
      endpoint.slots.acquire();
    } catch (InterruptedException e) {
      endpoint.inFlight.decrementAndGet();
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while waiting for " + endpoint.base, false, e);
    }
    try {
      return send(endpoint, body);
    } finally {
      endpoint.slots.release();
      endpoint.inFlight.decrementAndGet();
    }
  }

  /** The exact JSON body sent for a request: the standard fields, then the pass-through ones (which win). */
  public byte[] requestBody(ChatRequest request) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("model", model);
    ArrayNode messages = body.putArray("messages");
    for (Message m : request.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    if (request.n() != 1) {
      body.put("n", request.n());
    }
    if (request.temperature() != null) {
      body.put("temperature", request.temperature());
    }
    if (request.topP() != null) {
      body.put("top_p", request.topP());
    }
    if (request.maxTokens() != null) {
      body.put("max_tokens", request.maxTokens());
    }
    if (request.seed() != null) {
      body.put("seed", request.seed());
    }
    if (!request.stop().isEmpty()) {
      ArrayNode stop = body.putArray("stop");
      request.stop().forEach(stop::add);
    }
    for (Map.Entry<String, Object> e : request.extra().entrySet()) {
      body.set(e.getKey(), Json.mapper().valueToTree(e.getValue()));
    }
    try {
      return Json.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a chat request", e);
    }
  }

  private Endpoint pick() {
    synchronized (endpoints) {
      int start = Math.floorMod(nextTie.getAndIncrement(), endpoints.size());
      Endpoint best = null;
      for (int i = 0; i < endpoints.size(); i++) {
        Endpoint e = endpoints.get((start + i) % endpoints.size());
        if (best == null || e.inFlight.get() < best.inFlight.get()) {
          best = e;
        }
      }
      best.inFlight.incrementAndGet();
      return best;
    }
  }

  private ChatResponse send(Endpoint endpoint, byte[] body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint.url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (apiKey != null) {
      builder.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<String> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw scrub(ModelFailures.forTransport(endpoint.base, e, timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while calling " + endpoint.base, false, e);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      String detail = ModelFailures.errorDetail(response.body());
      throw scrub(ModelFailures.forStatus(status, endpoint.base, detail, retryAfter(response.headers())));
    }
    return parse(endpoint.base, response.body());
  }

  /** Reads a chat completion, keeping reasoning apart from the answer. */
  static ChatResponse parse(String where, String text) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw ModelFailures.unparseable(where, e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw ModelFailures.unparseable(where, "expected a JSON object");
    }
    JsonNode choices = root.get("choices");
    if (choices == null || !choices.isArray() || choices.isEmpty()) {
      throw ModelFailures.incomplete(where, "a non-empty 'choices' array");
    }
    List<ChatResponse.Choice> out = new ArrayList<>();
    for (int i = 0; i < choices.size(); i++) {
      JsonNode choice = choices.get(i);
      JsonNode message = choice.get("message");
      if (message == null || !message.isObject()) {
        throw ModelFailures.incomplete(where, "'choices[" + i + "].message'");
      }
      String content = textOrNull(message.get("content"));
      String reasoning = textOrNull(message.get("reasoning_content"));
      if (reasoning == null) {
        reasoning = textOrNull(message.get("reasoning"));
      }
      if (reasoning == null && content != null) {
        ReasoningSplitter.Split split = ReasoningSplitter.split(content);
        reasoning = split.reasoning();
        content = split.answer();
      }
      int index = choice.path("index").isInt() ? choice.get("index").asInt() : i;
      out.add(new ChatResponse.Choice(index, reasoning, content, textOrNull(choice.get("finish_reason"))));
    }
    JsonNode usage = root.get("usage");
    ChatResponse.Usage counted = usage == null || !usage.isObject()
        ? ChatResponse.Usage.NONE
        : new ChatResponse.Usage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0));
    return new ChatResponse(out, counted);
  }

  private static String textOrNull(JsonNode node) {
    return node == null || node.isNull() || !node.isTextual() ? null : node.asText();
  }

  /** Retry-After as seconds or as an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(HttpHeaders headers) {
    String value = headers.firstValue("Retry-After").orElse(null);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      double seconds = Double.parseDouble(value.trim());
      return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : until;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  /** The same failure with the API key cut out of its message, in case a server echoed it back. */
  private ModelException scrub(ModelException e) {
    if (apiKey == null || e.getMessage() == null || !e.getMessage().contains(apiKey)) {
      return e;
    }
    String message = e.getMessage().replace(apiKey, "[redacted]");
    if (e instanceof ModelFailures.HttpStatusException s) {
      return new ModelFailures.HttpStatusException(message, s.status(), s.retriable(), s.retryAfter());
    }
    return new ModelException(message, e.retriable());
  }

  private record Endpoint(String base, URI url, Semaphore slots, AtomicInteger inFlight) {
    Endpoint(String base, URI url, Semaphore slots) {
      this(base, url, slots, new AtomicInteger());
    }
  }
}
