package dev.deliberate.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** What every handler of our servers does with an exchange: read a bounded body, check the token, send JSON. */
final class Exchanges {
  private Exchanges() {}

  /** The request is bigger than the limits allow (413). */
  static final class TooLarge extends RuntimeException {
    TooLarge(String message) {
      super(message);
    }
  }

  /**
   * The request body, at most {@code maxBytes} long: a larger declared {@code Content-Length} or body throws
   * {@link TooLarge} before more is read than the limit.
   */
  static byte[] readBody(HttpExchange exchange, long maxBytes) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.strip());
      } catch (NumberFormatException e) {
        throw new BadInputException("Content-Length: expected a number, got '" + declared + "'");
      }
      if (length > maxBytes) {
        throw tooLarge(maxBytes);
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (body.length > maxBytes) {
        throw tooLarge(maxBytes);
      }
      return body;
    }
  }

  private static TooLarge tooLarge(long maxBytes) {
    return new TooLarge("body is over the limit of " + maxBytes + " bytes (--max-body-bytes)");
  }

  /**
   * Null when the exchange carries {@code Authorization: Bearer TOKEN} with the expected token (or none is
   * expected), else what is wrong; the comparison takes the same time whatever the token.
   */
  static String bearerProblem(HttpExchange exchange, byte[] expected) {
    if (expected == null) {
      return null;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8)
        : new byte[0];
    if (MessageDigest.isEqual(given, expected)) {
      return null;
    }
    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
    return header == null ? "missing 'Authorization: Bearer TOKEN' header" : "wrong bearer token";
  }

  /** The token as bytes for {@link #bearerProblem}, or null for none. */
  static byte[] token(String apiKey) {
    return apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
  }

  static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes;
    try {
      bytes = Json.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the reply", e);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Sets {@code Allow} and says which method the path takes; the caller sends it as a 405. */
  static String notAllowed(HttpExchange exchange, String allowed) {
    exchange.getResponseHeaders().set("Allow", allowed);
    return exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " is not supported; use " + allowed;
  }
}
