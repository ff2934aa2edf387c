package dev.deliberate.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ContextWindow;
import dev.deliberate.model.ModelException;
import dev.deliberate.model.ReasoningStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * An OpenAI-compatible chat completions endpoint over a {@link ChatService}.
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: OpenAI's request (see {@link ChatCompletionRequests} for what is read)
 *       answered as a {@code chat.completion}, or with {@code "stream": true} as server-sent
 *       {@code chat.completion.chunk} events ended by {@code data: [DONE]}. The chain of thought is in
 *       {@code message.reasoning_content} ({@code delta.reasoning_content} when streaming), never in
 *       {@code content};
 *   <li>{@code GET /v1/models}: the one model served;
 *   <li>{@code GET /health}: status, model and queue length; never needs the token.
 * </ul>
 *
 * Errors come in OpenAI's shape, {@code {"error": {"message", "type", "param", "code"}}}, with one-line messages:
 * 400 for a bad field (named in {@code param}) or a prompt longer than the model's context, 401 for a missing or
 * wrong token, 404 for another model name or path, 413 for a body over the limit, 503 with {@code Retry-After}
 * when {@code concurrency} requests are in progress and {@code queue} more wait. A streamed reply from a
 * {@link StreamingChatService} (a local model) goes out token by token; from another service (the gateway) it is
 * sent when the whole answer is ready, its reasoning and its content each as one delta.
 */
public final class ChatCompletionsServer implements AutoCloseable {
  /**
   * How the server listens and what it accepts.
   *
   * @param host the address to bind, 127.0.0.1 by default
   * @param port the port, 0 for any free one
   * @param maxBodyBytes largest request body
   * @param concurrency requests worked on at once (a local model samples up to this many as one batch)
   * @param queue requests that may wait for a worker before further ones get 503
   * @param maxN most choices per request
   * @param maxTokens most new tokens a request may ask for per choice
   * @param apiKey the bearer token clients must send, or null for none; never printed
   */
  public record Options(String host, int port, long maxBodyBytes, int concurrency, int queue, int maxN, int maxTokens,
      String apiKey) implements BoundedHttpServer.Limits {
    public Options {
      BoundedHttpServer.checkLimits(port, maxBodyBytes, concurrency, queue);
      if (maxN < 1) {
        throw new BadInputException("--max-n: expected at least 1, got " + maxN);
      }
      if (maxTokens < 1) {
        throw new BadInputException("--max-tokens-limit: expected at least 1, got " + maxTokens);
      }
    }

    public static Options defaults() {
      return new Options("127.0.0.1", 8000, 1L << 20, 8, 64, 8, 2048, null);
    }

    public Options withPort(int newPort) {
      return new Options(host, newPort, maxBodyBytes, concurrency, queue, maxN, maxTokens, apiKey);
    }

    public Options withApiKey(String key) {
      return new Options(host, port, maxBodyBytes, concurrency, queue, maxN, maxTokens, key);
    }

    public Options withLimits(long newMaxBodyBytes, int newConcurrency, int newQueue, int newMaxTokens) {
      return new Options(host, port, newMaxBodyBytes, newConcurrency, newQueue, maxN, newMaxTokens, apiKey);
    }

    @Override
    public String toString() {
      return "Options[host=" + host + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes + ", concurrency="
          + concurrency + ", queue=" + queue + ", maxN=" + maxN + ", maxTokens=" + maxTokens + ", apiKey="
          + (apiKey == null ? "none" : "(set)") + "]";
    }
  }

  private final String name;
  private final ChatService service;
  private final ContextWindow window;
  private final Options options;
  private final Consumer<String> log;
  private final ChatCompletionRequests requests;
  private final byte[] apiKey;
  private final long created = Instant.now().getEpochSecond();
  private BoundedHttpServer server;

  private ChatCompletionsServer(String name, ChatService service, ContextWindow window, Options options,
      Consumer<String> log) {
    this.name = name;
    this.service = service;
    this.window = window;
    this.options = options;
    this.log = log;
    this.requests = new ChatCompletionRequests(options.maxN(), options.maxTokens());
    this.apiKey = Exchanges.token(options.apiKey());
  }

  /**
   * Binds and starts serving; {@link #close()} stops.
   *
   * @param name the model name clients send and {@code /v1/models} lists
   * @param window the model's context, to turn away prompts that do not fit; null when unknown (an endpoint)
   */
  public static ChatCompletionsServer start(String name, ChatService service, ContextWindow window, Options options,
      Consumer<String> log) throws IOException {
    ChatCompletionsServer s = new ChatCompletionsServer(name, service, window, options, log);
    s.server = BoundedHttpServer.start(options, "serve", s::handle,
        (exchange, message) -> sendError(exchange, 503, "server_busy", null, message));
    return s;
  }

  public int port() {
    return server.port();
  }

  /** The base URL clients use: {@code http://HOST:PORT/v1}. */
  public String baseUrl() {
    return server.url() + "/v1";
  }

  public String name() {
    return name;
  }

  @Override
  public void close() {
    server.close();
  }

  private void handle(HttpExchange exchange, String path, String method) throws IOException {
    try {
      switch (path) {
        case "/health" -> {
          if (method.equals("GET")) {
            Exchanges.sendJson(exchange, 200, health());
          } else {
            sendError(exchange, 405, "invalid_request_error", null, Exchanges.notAllowed(exchange, "GET"));
          }
        }
        case "/v1/models" -> {
          if (!method.equals("GET")) {
            sendError(exchange, 405, "invalid_request_error", null, Exchanges.notAllowed(exchange, "GET"));
          } else if (authorised(exchange)) {
            Exchanges.sendJson(exchange, 200, Map.of("object", "list", "data", List.of(modelEntry())));
          }
        }
        case "/v1/chat/completions" -> {
          if (!method.equals("POST")) {
            sendError(exchange, 405, "invalid_request_error", null, Exchanges.notAllowed(exchange, "POST"));
          } else if (authorised(exchange)) {
            complete(exchange);
          }
        }
        default -> sendError(exchange, 404, "not_found_error", null, "no such endpoint " + path
            + "; expected POST /v1/chat/completions, GET /v1/models or GET /health");
      }
    } catch (ChatCompletionRequests.Invalid e) {
      sendError(exchange, 400, "invalid_request_error", e.param(), e.getMessage());
    } catch (BadInputException e) {
      sendError(exchange, 400, "invalid_request_error", null, e.getMessage());
    } catch (Exchanges.TooLarge e) {
      sendError(exchange, 413, "invalid_request_error", null, e.getMessage());
    } catch (NotServed e) {
      sendError(exchange, 404, "invalid_request_error", "model", e.getMessage());
    } catch (ContextExceeded e) {
      sendError(exchange, 400, "invalid_request_error", "messages", e.getMessage(), "context_length_exceeded");
    } catch (ModelException e) {
      log.accept(path + ": " + e.getMessage());
      sendError(exchange, e.retriable() ? 503 : 502, "model_error", null, "the model call failed: "
          + oneLine(e.getMessage()));
    } catch (RuntimeException e) {
      log.accept(path + ": internal error: " + e);
      sendError(exchange, 500, "server_error", null, "internal error: " + e.getClass().getSimpleName());
    }
  }

  private void complete(HttpExchange exchange) throws IOException {
    ChatCompletionRequests.Read read = requests.read(RewardRequests.parse(Exchanges.readBody(exchange,
        options.maxBodyBytes())));
    if (read.model() != null && !read.model().equals(name)) {
      throw new NotServed("model '" + read.model() + "' is not served here; this server serves '" + name + "'");
    }
    if (window != null) {
      int promptTokens = window.promptTokens(read.request().messages());
      if (promptTokens >= window.contextTokens()) {
        throw new ContextExceeded("messages: the prompt has " + promptTokens + " tokens and the model's context is "
            + window.contextTokens() + " tokens; send a shorter conversation");
      }
    }
    String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    exchange.getResponseHeaders().set("X-Request-Id", id);
    if (read.stream() && service instanceof StreamingChatService live) {
      streamLive(exchange, id, read, live);
      return;
    }
    ChatResponse response = service.complete(id, read.request(), read.metadata());
    if (read.stream()) {
      stream(exchange, id, response, read.includeUsage());
    } else {
      Exchanges.sendJson(exchange, 200, completion(id, response));
    }
  }

  private Map<String, Object> completion(String id, ChatResponse response) {
    List<Map<String, Object>> choices = new ArrayList<>();
    for (ChatResponse.Choice c : response.choices()) {
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("role", "assistant");
      message.put("content", c.content());
      if (!c.reasoning().isEmpty()) {
        message.put("reasoning_content", c.reasoning());
      }
      Map<String, Object> choice = new LinkedHashMap<>();
      choice.put("index", c.index());
      choice.put("message", message);
      choice.put("logprobs", null);
      choice.put("finish_reason", finishReason(c));
      choices.add(choice);
    }
    Map<String, Object> out = head(id, "chat.completion");
    out.put("choices", choices);
    out.put("usage", usage(response.usage()));
    return out;
  }

  /**
   * The reply as server-sent events, in the order OpenAI's clients read them: per choice a first chunk with the
   * role, the reasoning and the content as deltas, and a last chunk with the finish reason; then the usage when
   * asked for ({@code choices} empty); then {@code [DONE]}.
   */
  private void stream(HttpExchange exchange, String id, ChatResponse response, boolean includeUsage) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (ChatResponse.Choice c : response.choices()) {
        event(out, chunk(id, c.index(), Map.of("role", "assistant", "content", ""), null));
        if (!c.reasoning().isEmpty()) {
          event(out, chunk(id, c.index(), Map.of("reasoning_content", c.reasoning()), null));
        }
        if (!c.content().isEmpty()) {
          event(out, chunk(id, c.index(), Map.of("content", c.content()), null));
        }
        event(out, chunk(id, c.index(), Map.of(), finishReason(c)));
      }
      if (includeUsage) {
        Map<String, Object> last = head(id, "chat.completion.chunk");
        last.put("choices", List.of());
        last.put("usage", usage(response.usage()));
        event(out, last);
      }
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The reply as server-sent events while it is written: when the first token is out, a chunk with the role per
   * choice; then, after every token, the new reasoning and the new answer text of that choice, each in chunks of its
   * own ({@link ReasoningStream} holds back what may still be a think tag); at the end a chunk with each choice's
   * finish reason, the usage when asked for, and {@code [DONE]}. A failure before the first event is answered with
   * its status as usual; after it, with an {@code error} event (the openai SDKs raise it).
   */
  private void streamLive(HttpExchange exchange, String id, ChatCompletionRequests.Read read,
      StreamingChatService live) throws IOException {
    int n = read.request().n();
    ReasoningStream[] splitters = new ReasoningStream[n];
    Arrays.setAll(splitters, i -> new ReasoningStream());
    OutputStream[] out = new OutputStream[1];
    ChatResponse response;
    try {
      response = live.completeStreaming(id, read.request(), read.metadata(), (choice, text, finished) -> {
        try {
          if (out[0] == null) {
            out[0] = openStream(exchange, id, n);
          }
          ReasoningStream.Delta delta = finished ? splitters[choice].finish(text) : splitters[choice].next(text);
          if (!delta.reasoning().isEmpty()) {
            event(out[0], chunk(id, choice, Map.of("reasoning_content", delta.reasoning()), null));
          }
          if (!delta.content().isEmpty()) {
            event(out[0], chunk(id, choice, Map.of("content", delta.content()), null));
          }
          if (finished && !splitters[choice].consistent()) {
            log.accept(id + ": choice " + choice + " split differently once whole (a closing think tag before any"
                + " opening one); the stream gave its text before that tag as content");
          }
        } catch (IOException e) {
          throw new ClientGone(e);
        }
      });
    } catch (ClientGone e) {
      log.accept(id + ": the client closed the stream: " + e.getCause().getMessage());
      return;
    } catch (RuntimeException e) {
      if (out[0] == null) {
        throw e;
      }
      log.accept(id + ": the model call failed mid-stream: " + e);
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("message", "the model call failed: " + oneLine(e.getMessage()));
      error.put("type", e instanceof ModelException ? "model_error" : "server_error");
      error.put("param", null);
      error.put("code", null);
      event(out[0], Map.of("error", error));
      out[0].close();
      return;
    }
    if (out[0] == null) {
      out[0] = openStream(exchange, id, n);
    }
    try (OutputStream body = out[0]) {
      for (ChatResponse.Choice c : response.choices()) {
        event(body, chunk(id, c.index(), Map.of(), finishReason(c)));
      }
      if (read.includeUsage()) {
        Map<String, Object> last = head(id, "chat.completion.chunk");
        last.put("choices", List.of());
        last.put("usage", usage(response.usage()));
        event(body, last);
      }
      body.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Sends the event stream's headers and each choice's first chunk (the role). */
  private OutputStream openStream(HttpExchange exchange, String id, int n) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    for (int i = 0; i < n; i++) {
      event(out, chunk(id, i, Map.of("role", "assistant", "content", ""), null));
    }
    return out;
  }

  private Map<String, Object> chunk(String id, int index, Map<String, Object> delta, String finishReason) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", index);
    choice.put("delta", delta);
    choice.put("logprobs", null);
    choice.put("finish_reason", finishReason);
    Map<String, Object> out = head(id, "chat.completion.chunk");
    out.put("choices", List.of(choice));
    return out;
  }

  private static void event(OutputStream out, Object data) throws IOException {
    out.write(("data: " + Json.line(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private Map<String, Object> head(String id, String object) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("object", object);
    out.put("created", Instant.now().getEpochSecond());
    out.put("model", name);
    return out;
  }

  /** OpenAI's finish reasons are "stop" and "length"; a backend that says nothing stopped on its own. */
  private static String finishReason(ChatResponse.Choice c) {
    return "length".equals(c.finishReason()) ? "length" : "stop";
  }

  private static Map<String, Object> usage(ChatResponse.Usage usage) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("prompt_tokens", usage.promptTokens());
    out.put("completion_tokens", usage.completionTokens());
    out.put("total_tokens", usage.totalTokens());
    return out;
  }

  private Map<String, Object> modelEntry() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", name);
    out.put("object", "model");
    out.put("created", created);
    out.put("owned_by", "deliberate");
    return out;
  }

  private Map<String, Object> health() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "ok");
    out.put("model", name);
    out.put("waiting", server.waiting());
    if (window != null) {
      out.put("context_tokens", window.contextTokens());
    }
    return out;
  }

  private boolean authorised(HttpExchange exchange) throws IOException {
    String problem = Exchanges.bearerProblem(exchange, apiKey);
    if (problem != null) {
      sendError(exchange, 401, "authentication_error", null, problem);
    }
    return problem == null;
  }

  private static void sendError(HttpExchange exchange, int status, String type, String param, String message)
      throws IOException {
    sendError(exchange, status, type, param, message, null);
  }

  private static void sendError(HttpExchange exchange, int status, String type, String param, String message,
      String code) throws IOException {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", oneLine(message));
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    Exchanges.sendJson(exchange, status, Map.of("error", error));
  }

  private static String oneLine(String text) {
    String t = text == null ? "" : text.strip();
    int newline = t.indexOf('\n');
    return newline < 0 ? t : t.substring(0, newline);
  }

  /** Writing to a streamed reply failed: the client has gone, so sampling stops. */
  private static final class ClientGone extends RuntimeException {
    ClientGone(IOException cause) {
      super(cause);
    }
  }

  /** The request names a model this server does not serve (404). */
  private static final class NotServed extends RuntimeException {
    NotServed(String message) {
      super(message);
    }
  }

  /** The prompt does not fit the model's context (400, code context_length_exceeded). */
  private static final class ContextExceeded extends RuntimeException {
    ContextExceeded(String message) {
      super(message);
    }
  }
}
