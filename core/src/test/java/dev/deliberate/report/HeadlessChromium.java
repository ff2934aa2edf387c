package dev.deliberate.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over the DevTools protocol (a JSON-over-WebSocket protocol) with the JDK's own
 * WebSocket client: the browser is a real one at the edge of the system; the test sends it real input events and
 * hears its console and its uncaught exceptions from the browser's side, not from page code.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");
  private static final long WAIT_SECONDS = 60;

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new ArrayList<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  static boolean available() {
    return Files.isExecutable(BINARY);
  }

  static HeadlessChromium launch(int width, int height) throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    Process process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*",
        "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true)
        .start();
    CompletableFuture<String> browserUrl = new CompletableFuture<>();
    Thread drain = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            browserUrl.complete(m.group(1));
          }
        }
      } catch (IOException e) {
        browserUrl.completeExceptionally(e);
      }
      browserUrl.completeExceptionally(new IllegalStateException("chromium exited before listening"));
    }, "chromium-output");
    drain.setDaemon(true);
    drain.start();
    try {
      URI browser = URI.create(browserUrl.get(WAIT_SECONDS, TimeUnit.SECONDS));
      HttpClient http = HttpClient.newHttpClient();
      String list = http.send(
          HttpRequest.newBuilder(URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      String pageUrl = null;
      for (JsonNode target : Json.mapper().readTree(list)) {
        if (target.path("type").asText().equals("page")) {
          pageUrl = target.path("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (pageUrl == null) {
        throw new IllegalStateException("chromium has no page target: " + list);
      }
      HeadlessChromium[] self = new HeadlessChromium[1];
      WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new WebSocket.Listener() {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
          partial.append(data);
          if (last) {
            String message = partial.toString();
            partial.setLength(0);
            while (self[0] == null) {
              Thread.onSpinWait();
            }
            self[0].receive(message);
          }
          ws.request(1);
          return null;
        }
      }).get(WAIT_SECONDS, TimeUnit.SECONDS);
      self[0] = new HeadlessChromium(process, profile, socket);
      return self[0];
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private void receive(String message) {
    try {
      JsonNode node = Json.mapper().readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(node.get("id").asInt());
        if (f != null) {
          f.complete(node);
        }
      } else {
        synchronized (events) {
          events.add(node);
          events.notifyAll();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("unreadable DevTools message: " + message, e);
    }
  }

  /** Sends one DevTools command and returns its {@code result}; a protocol error fails the test. */
  JsonNode send(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(Json.line(Map.of("id", id, "method", method, "params", params)), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
    JsonNode node = reply.get(WAIT_SECONDS, TimeUnit.SECONDS);
    if (node.has("error")) {
      throw new IllegalStateException(method + " failed: " + node.get("error"));
    }
    return node.get("result");
  }

  /** Evaluates a script in the page and returns its value (which must be JSON-serialisable). */
  JsonNode eval(String expression) throws Exception {
    JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Waits until an event with this method has arrived (or already had). */
  JsonNode awaitEvent(String method) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    synchronized (events) {
      while (true) {
        for (JsonNode e : events) {
          if (e.path("method").asText().equals(method)) {
            return e;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no " + method + " event");
        }
        TimeUnit.NANOSECONDS.timedWait(events, left);
      }
    }
  }

  /** A real mouse click (press and release) at the middle of the element the selector finds. */
  void click(String selector) throws Exception {
    eval("document.querySelector(" + Json.line(selector) + ").scrollIntoView({block: 'center'})");
    JsonNode box = eval("(() => { const r = document.querySelector(" + Json.line(selector)
        + ").getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
    for (String type : List.of("mousePressed", "mouseReleased")) {
      send("Input.dispatchMouseEvent", Map.of("type", type, "x", box.get("x").asDouble(), "y", box.get("y").asDouble(),
          "button", "left", "clickCount", 1));
    }
  }

  /** Console errors, failed assertions, uncaught exceptions and error log entries seen so far. */
  List<String> errors() {
    List<String> out = new ArrayList<>();
    synchronized (events) {
      for (JsonNode e : events) {
        String method = e.path("method").asText();
        JsonNode p = e.path("params");
        if (method.equals("Runtime.exceptionThrown")) {
          out.add("exception: " + p.path("exceptionDetails"));
        } else if (method.equals("Runtime.consoleAPICalled")
            && (p.path("type").asText().equals("error") || p.path("type").asText().equals("assert"))) {
          out.add("console." + p.path("type").asText() + ": " + p.path("args"));
        } else if (method.equals("Log.entryAdded") && p.path("entry").path("level").asText().equals("error")) {
          out.add("log: " + p.path("entry"));
        }
      }
    }
    return out;
  }

  void screenshot(Path file) throws Exception {
    JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, java.util.Base64.getDecoder().decode(shot.get("data").asText()));
  }

  @Override
  public void close() throws Exception {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    } catch (RuntimeException ignored) {
      // the browser may already be gone
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    try (var walk = Files.walk(profile)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
