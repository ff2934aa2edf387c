package dev.deliberate.serve;

import com.sun.net.httpserver.HttpHandler;
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
 * and {@code queue} more wait their turn; beyond that an exchange goes at once to {@code busy}, which answers it
 * (503 with {@code Retry-After}) on a thread of its own, so that a full server still answers quickly.
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

  private BoundedHttpServer(String host, int port, int concurrency, int queue, String name, HttpHandler handler,
      HttpHandler busy) throws IOException {
    this.host = host;
    BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
    this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.SECONDS, waiting, daemons(name + "-http-"));
    this.overflow = Executors.newSingleThreadExecutor(daemons(name + "-busy-"));
    this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext("/", exchange -> (BUSY.get() ? busy : handler).handle(exchange));
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

  /** Binds and starts serving. */
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

  static BoundedHttpServer start(String host, int port, int concurrency, int queue, String name, HttpHandler handler,
      HttpHandler busy) throws IOException {
    BoundedHttpServer s = new BoundedHttpServer(host, port, concurrency, queue, name, handler, busy);
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
