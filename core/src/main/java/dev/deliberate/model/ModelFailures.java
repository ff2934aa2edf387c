package dev.deliberate.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place that decides which failed calls are worth retrying. A status-coded failure is an
 * {@link HttpStatusException}; a transport failure (refused, reset, cut short, timed out) is retriable; a reply we
 * cannot use depends on whether it could be a transient glitch (unparseable) or the server's settled answer
 * (well-formed but missing what we need).
 */
public final class ModelFailures {
  private ModelFailures() {}

  /** Whether an HTTP status may succeed on a later try: rate limits, timeouts, conflicts and server errors. */
  public static boolean retriableStatus(int status) {
    return status == 408 || status == 409 || status == 425 || status == 429 || status >= 500;
  }

  /**
   * An error status with the server's explanation ({@link #errorDetail} of its body). A request that does not fit
   * the model's context window is said to be so, with what to change, since retrying it cannot help.
   */
  public static HttpStatusException forStatus(int status, String where, String detail, Duration retryAfter) {
    String message = "HTTP " + status + " from " + where + (detail.isEmpty() ? "" : ": " + detail);
    if (status / 100 == 4 && CONTEXT_OVERFLOW.matcher(detail).find()) {
      message += " (the prompt and the completion's max_tokens do not fit the model's context window: shorten the"
          + " prompt, lower max_tokens, or give the server a larger context, e.g. llama.cpp's --n_ctx / -c)";
    }
    // llama.cpp's Python server answers a request its own validation rejects with 500, not 4xx: the same request
    // would be rejected again, so it is not worth a retry.
    boolean rejected = status == 500 && VALIDATION_FAILURE.matcher(detail).find();
    return new HttpStatusException(message, status, retriableStatus(status) && !rejected, retryAfter);
  }

  private static final Pattern CONTEXT_OVERFLOW =
      Pattern.compile("(?i)context_length_exceeded|context (length|window|size)|maximum context");
  private static final Pattern VALIDATION_FAILURE = Pattern.compile("^\\d+ validation errors?( for \\w+)?:");
  /** Where llama.cpp's Python server starts appending a stack trace to an error message. */
  private static final Pattern TRACE = Pattern.compile("\\n\\s*File \"|\\nTraceback \\(");

  /**
   * The server's own words from an error body, on one line: OpenAI's {@code {"error": {"message", "code"}}} (also
   * llama.cpp's and vLLM's), Ollama's {@code {"error": "..."}}, a top-level {@code message}, FastAPI's validation
   * {@code {"detail": [{"loc", "msg"}]}} or {@code {"detail": "..."}}; any other body as it is, cut short.
   */
  public static String errorDetail(String body) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(body);
    } catch (JsonProcessingException | RuntimeException notJson) {
      return oneLine(body, 300);
    }
    if (root == null || !root.isObject()) {
      return oneLine(body, 300);
    }
    JsonNode error = root.get("error");
    String message = null;
    String code = null;
    if (error != null && error.isObject()) {
      message = text(error.get("message"));
      code = error.path("code").isTextual() ? error.get("code").asText() : null;
    } else if (error != null && error.isTextual()) {
      message = error.asText();
    } else if (root.get("message") != null && root.get("message").isTextual()) {
      message = root.get("message").asText();
    } else if (root.path("detail").isTextual()) {
      message = root.get("detail").asText();
    } else if (root.path("detail").isArray()) {
      List<String> problems = new ArrayList<>();
      for (JsonNode d : root.get("detail")) {
        List<String> path = new ArrayList<>();
        d.path("loc").forEach(part -> path.add(part.asText()));
        problems.add(String.join(".", path) + ": " + d.path("msg").asText("invalid"));
      }
      message = problems.isEmpty() ? null : String.join("; ", problems);
    }
    if (message == null || message.isBlank()) {
      return oneLine(body, 300);
    }
    java.util.regex.Matcher trace = TRACE.matcher(message);
    if (trace.find()) {
      message = message.substring(0, trace.start());
    }
    return oneLine(message + (code == null || message.contains(code) ? "" : " [" + code + "]"), 300);
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  public static ModelException forTransport(String where, IOException e, Duration timeout) {
    if (e instanceof HttpTimeoutException) {
      return new ModelException("no reply from " + where + " within " + timeout.toMillis() + " ms", true, e);
    }
    return new ModelException("connection to " + where + " failed: " + oneLine(reason(e), 200), true, e);
  }

  /** The first message along the cause chain (the JDK client often wraps the useful one), else the type. */
  private static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException && (t.getMessage() == null || t.getMessage().isBlank())) {
        return "could not connect (is the server running?)";
      }
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  /** A 2xx body that is not JSON: often a reply cut short by a proxy, so trying again may help. */
  public static ModelException unparseable(String where, String detail) {
    return new ModelException("unparseable reply from " + where + ": " + oneLine(detail, 200), true);
  }

  /** Well-formed JSON without the fields a chat completion must have: the server will say the same again. */
  public static ModelException incomplete(String where, String what) {
    return new ModelException("reply from " + where + " lacks " + what, false);
  }

  /** Collapses whitespace and cuts text to at most {@code max} characters, for one-line messages. */
  public static String oneLine(String text, int max) {
    String flat = text.replaceAll("\\s+", " ").trim();
    return flat.length() <= max ? flat : flat.substring(0, max) + "...";
  }

  /** An HTTP error status, with the server's {@code Retry-After} when it sent one. */
  public static final class HttpStatusException extends ModelException {
    private final int status;
    private final Duration retryAfter;

    HttpStatusException(String message, int status, boolean retriable, Duration retryAfter) {
      super(message, retriable);
      this.status = status;
      this.retryAfter = retryAfter;
    }

    public int status() {
      return status;
    }

    /** How long the server asked us to wait, or null when it did not say. */
    public Duration retryAfter() {
      return retryAfter;
    }
  }
}
