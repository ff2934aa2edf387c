package dev.deliberate.model;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

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

  public static HttpStatusException forStatus(int status, String where, String detail, Duration retryAfter) {
    String message = "HTTP " + status + " from " + where + (detail.isEmpty() ? "" : ": " + detail);
    return new HttpStatusException(message, status, retriableStatus(status), retryAfter);
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
