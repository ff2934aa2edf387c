package dev.deliberate.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.deliberate.BadInputException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK HTTP server as every server of ours runs it: at most {@code concurrency} exchanges are worked on at once
 * and {@code queue} more wait their turn; beyond that an exchange is answered at once, 503 with {@code Retry-After}
 * and the same message for every server, on a thread of its own, so that a full server still answers quickly.
 * The one start-up of both servers: binding, workers, the busy reply, the URL and the shutdown.
 */
final class BoundedHttpServer implements AutoCloseable {
  static {
    // The JDK server writes a reply's headers and body apart; with Nagle's algorithm on, the body then waits for
    // the client's delayed ACK (about 40 ms on Linux) on every small reply. Read once, when the JDK's server
    // configuration loads, so it is set before the first server is made; a value given on the command line wins.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final String host;
  private final ThreadPoolExecutor workers;
  private final ExecutorService overflow;

  /** Where a server listens and how much it takes on at once: what its options give the HTTP set-up. */
  interface Limits {
    String host();

    /** The port to bind, 0 for any free one. */
    int port();

    /** Exchanges worked on at once. */
    int concurrency();

    /** Exchanges that may wait for a worker before further ones are turned away. */
    int queue();
  }

  /** Answers one exchange, given its path and method; the server closes the exchange when this returns. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange exchange, String path, String method) throws IOException;
  }

  /** Writes a 503 reply with this one-line message in the server's own error shape; the server closes the exchange. */
  @FunctionalInterface
  interface BusyReply {
    void send(HttpExchange exchange, String message) throws IOException;
  }

  private BoundedHttpServer(Limits limits, String name, Handler handler, BusyReply busyReply) throws IOException {
    this.host = limits.host();
    int concurrency = limits.concurrency();
    int queue = limits.queue();
    BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
    this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.SECONDS, waiting, daemons(name + "-http-"));
    this.overflow = Executors.newSingleThreadExecutor(daemons(name + "-busy-"));
    this.server = HttpServer.create(new InetSocketAddress(host, limits.port()), 0);
    String busy = "busy: " + concurrency + " requests in progress and " + queue + " waiting; retry shortly";
    server.createContext("/", exchange -> {
      try (exchange) {
        if (BUSY.get()) {
          exchange.getResponseHeaders().set("Retry-After", "1");
          busyReply.send(exchange, busy);
        } else {
          handler.handle(exchange, exchange.getRequestURI().getPath(), exchange.getRequestMethod());
        }
      }
    });
    server.setExecutor(task -> {
      try {
        workers.execute(task);
      } catch (RejectedExecutionException full) {
        overflow.execute(() -> {
          BUSY.set(true);
          task.run();
        });
      }
    });
  }

  /** Marks the thread that only turns exchanges away; set for the whole life of that thread. */
  private static final ThreadLocal<Boolean> BUSY = ThreadLocal.withInitial(() -> false);

  /** The checks every server's options share; each failure names the command-line option. */
  static void checkLimits(int port, long maxBodyBytes, int concurrency, int queue) {
    if (port < 0 || port > 65535) {
      throw new BadInputException("--port: expected 0..65535, got " + port);
    }
    if (maxBodyBytes < 1) {
      throw new BadInputException("--max-body-bytes: expected at least 1, got " + maxBodyBytes);
    }
    if (concurrency < 1) {
      throw new BadInputException("--concurrency: expected at least 1, got " + concurrency);
    }
    if (queue < 0) {
      throw new BadInputException("--queue: expected 0 or more, got " + queue);
    }
  }

  /**
   * Binds and starts serving: {@code handler} answers each exchange, {@code busyReply} writes the 503 (with
   * {@code Retry-After: 1}) sent when the workers and the queue are full; threads are named after {@code name}.
   */
  static BoundedHttpServer start(Limits limits, String name, Handler handler, BusyReply busyReply)
      throws IOException {
    BoundedHttpServer s = new BoundedHttpServer(limits, name, handler, busyReply);
    s.server.start();
    return s;
  }

  /** The port actually bound (useful with port 0). */
  int port() {
    return server.getAddress().getPort();
  }

  String url() {
    return "http://" + host + ":" + port();
  }

  /** Exchanges waiting for a worker right now. */
  int waiting() {
    return workers.getQueue().size();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    overflow.shutdownNow();
  }

  /** Daemon threads named {@code prefix1}, {@code prefix2}, ...: a server never keeps the JVM alive by itself. */
  static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
