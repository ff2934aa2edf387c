package dev.deliberate.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.deliberate.io.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A scripted OpenAI-compatible {@code /v1/chat/completions} server on 127.0.0.1 and a free port, for tests and
 * benchmarks at the edge of the system. A script maps each call to a {@link Reply}: a normal completion, an error
 * status with headers, a delay, or a fault (connection dropped, body cut short, malformed JSON, missing fields).
 * Every call is logged with the reply it got. By default it echoes the last user message.
 */
public final class ScriptedServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads;
  private final List<Logged> log = new ArrayList<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private volatile Function<Call, Reply> script = call -> Reply.echo();
  private volatile boolean logging = true;

  static {
    // The JDK server closes idle keep-alive connections beyond 200, which a client with more connections in its
    // pool then sees as a dropped connection; benchmarks run hundreds of connections.
    if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
      System.setProperty("sun.net.httpserver.maxIdleConnections", "2048");
    }
  }

  private ScriptedServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "scripted-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  public static ScriptedServer start() {
    try {
      return new ScriptedServer();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Replaces the script; returns this server. */
  public ScriptedServer script(Function<Call, Reply> newScript) {
    this.script = newScript;
    return this;
  }

  /** Turns the call log and the attempt counts off (benchmarks: they grow with every call) or on. */
  public ScriptedServer logging(boolean on) {
    this.logging = on;
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** The model string that names model {@code name} on this server. */
  public String modelString(String name) {
    return baseUrl() + "#" + name;
  }

  public List<Logged> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  public long count(Predicate<Logged> which) {
    return log().stream().filter(which).count();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] raw = exchange.getRequestBody().readAllBytes();
    JsonNode body = Json.mapper().readTree(raw);
    String user = lastUserText(body);
    int attempt = logging ? attempts.computeIfAbsent(user, k -> new AtomicInteger()).incrementAndGet() : 1;
    Call call = new Call(sequence.incrementAndGet(), body, user, attempt,
        exchange.getRequestHeaders().getFirst("Authorization"));
    Reply reply = script.apply(call);
    if (logging) {
      synchronized (log) {
        log.add(new Logged(call.sequence(), System.nanoTime(), user, attempt, reply.status(), reply.kind(), call.authorization(), body));
      }
    }
    reply.send(exchange, call);
  }

  private static String lastUserText(JsonNode body) {
    String text = "";
    for (JsonNode m : body.path("messages")) {
      if (m.path("role").asText().equals("user")) {
        text = m.path("content").asText();
      }
    }
    return text;
  }

  /** One call as the script sees it; {@code attempt} counts calls with the same last user message (1-based). */
  public record Call(int sequence, JsonNode body, String userText, int attempt, String authorization) {}

  /**
   * One logged call and the reply it got ({@code kind}: ok, status, reset, truncated, malformed, incomplete, or
   * "slow " and one of those).
   */
  public record Logged(int sequence, long nanos, String userText, int attempt, int status, String kind, String authorization,
      JsonNode body) {
    public boolean succeeded() {
      return kind.equals("ok");
    }
  }

  /** What the server does with a call. */
  public interface Reply {
    void send(HttpExchange exchange, Call call) throws IOException;

    int status();

    String kind();

    /** A completion whose content echoes the last user message; one choice per requested {@code n}. */
    static Reply echo() {
      return completion(null, null, null);
    }

    /** A completion with the given content for every choice. */
    static Reply content(String content) {
      return completion(content, null, null);
    }

    /** A completion whose message carries reasoning in {@code field} ({@code reasoning_content} or {@code reasoning}). */
    static Reply withReasoning(String field, String reasoning, String content) {
      return completion(content, field, reasoning);
    }

    private static Reply completion(String fixedContent, String reasoningField, String reasoning) {
      return new Simple(200, "ok", (exchange, call) -> {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("id", "chatcmpl-" + call.sequence()).put("object", "chat.completion").put("created", 0)
            .put("model", call.body().path("model").asText());
        ArrayNode choices = root.putArray("choices");
        int n = call.body().path("n").asInt(1);
        for (int i = 0; i < n; i++) {
          ObjectNode choice = choices.addObject();
          choice.put("index", i).put("finish_reason", "stop");
          ObjectNode message = choice.putObject("message").put("role", "assistant");
          message.put("content", fixedContent != null ? fixedContent : "echo" + (n > 1 ? "[" + i + "]" : "") + ": " + call.userText());
          if (reasoningField != null) {
            message.put(reasoningField, reasoning);
          }
        }
        root.putObject("usage").put("prompt_tokens", words(call.userText()) + 3)
            .put("completion_tokens", n * (words(call.userText()) + 1));
        sendJson(exchange, 200, Json.line(root), Map.of());
      });
    }

    /**
     * A reply shaped as llama.cpp's Python server (llama-cpp-python 0.3.36) sends it: one choice whatever {@code n}
     * asked for, always index 0, {@code logprobs: null}, the requested model name echoed, {@code total_tokens} in
     * the usage. The content names the request's seed ("seed 7: ..." or "no seed: ...") and echoes the user.
     */
    static Reply likeLlamaCpp(String finishReason) {
      return likeLlamaCpp(call -> {
        JsonNode seed = call.body().get("seed");
        return (seed == null ? "no seed" : "seed " + seed.asLong()) + ": " + call.userText();
      }, finishReason);
    }

    /** As {@link #likeLlamaCpp(String)}, with the given content. */
    static Reply likeLlamaCpp(String content, String finishReason) {
      return likeLlamaCpp(call -> content, finishReason);
    }

    private static Reply likeLlamaCpp(Function<Call, String> content, String finishReason) {
      return new Simple(200, "ok", (exchange, call) -> {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("id", "chatcmpl-" + call.sequence()).put("object", "chat.completion").put("created", 1796118511)
            .put("model", call.body().path("model").asText());
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("content", content.apply(call)).put("role", "assistant");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        long prompt = words(call.userText()) + 9;
        root.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", 5).put("total_tokens", prompt + 5);
        sendJson(exchange, 200, Json.line(root), Map.of());
      });
    }

    /** An error status with a JSON error body and extra headers, e.g. {@code Retry-After}. */
    static Reply status(int status, Map<String, String> headers) {
      return new Simple(status, "status", (exchange, call) -> sendJson(exchange, status,
          "{\"error\":{\"message\":\"scripted status " + status + "\",\"type\":\"scripted\"}}", headers));
    }

    static Reply status(int status) {
      return status(status, Map.of());
    }

    /** A 2xx reply with any body. */
    static Reply raw(int status, String body, String kind) {
      return new Simple(status, kind, (exchange, call) -> sendJson(exchange, status, body, Map.of()));
    }

    /** Syntactically broken JSON with status 200. */
    static Reply malformed() {
      return raw(200, "{\"choices\": [{\"message\": {\"content\": \"unterminated", "malformed");
    }

    /** Well-formed JSON with no choices. */
    static Reply incomplete() {
      return raw(200, "{\"id\":\"chatcmpl-x\",\"object\":\"chat.completion\"}", "incomplete");
    }

    /** Drops the connection without a reply. */
    static Reply reset() {
      return new Simple(0, "reset", (exchange, call) -> {
        // The JDK server closes the connection when a handler throws.
        throw new IOException("scripted connection drop");
      });
    }

    /** Promises a body, sends half of it, then closes the connection. */
    static Reply truncated() {
      return new Simple(200, "truncated", (exchange, call) -> {
        byte[] bytes = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"cut short\"}}]}"
            .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes, 0, bytes.length / 2);
        out.flush();
        throw new IOException("scripted truncation");
      });
    }

    /** Waits, then replies as {@code then} would; logged as "slow " + its kind (the client may have gone). */
    static Reply delayed(Duration delay, Reply then) {
      return new Simple(then.status(), "slow " + then.kind(), (exchange, call) -> {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        then.send(exchange, call);
      });
    }

    private static long words(String text) {
      return text.isBlank() ? 0 : text.trim().split("\\s+").length;
    }

    private static void sendJson(HttpExchange exchange, int status, String body, Map<String, String> headers) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @FunctionalInterface
  private interface Sender {
    void send(HttpExchange exchange, Call call) throws IOException;
  }

  private record Simple(int status, String kind, Sender sender) implements Reply {
    @Override
    public void send(HttpExchange exchange, Call call) throws IOException {
      sender.send(exchange, call);
    }
  }
}
