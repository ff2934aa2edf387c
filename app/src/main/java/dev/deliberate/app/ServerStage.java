package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.RunDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A server's entry in its run's manifest, kept up to date while it serves: written "running" at once and every
 * {@link #EVERY_SECONDS} seconds, and "interrupted" when the server stops, by Ctrl-C (a shutdown hook) or by an
 * interrupt, so that the usage of every model call is in the manifest at the end. Shared by {@code serve} and
 * {@code serve-reward}, with the rest of their start-up that is not HTTP: the bearer token from the environment,
 * the lines saying where the server listens, and the wait until it is stopped.
 */
final class ServerStage implements AutoCloseable {
  /** How often the manifest's usage is brought up to date while serving. */
  static final long EVERY_SECONDS = 10;

  private final Runnable running;
  private final Runnable stopped;
  private final ScheduledExecutorService ticker;
  private final Thread onExit;

  /**
   * @param stage the stage entry for a status ("running" or "interrupted"), with the usage so far
   * @param extra anything else the manifest records beside the stage (the spec hash), or identity
   */
  ServerStage(RunDirectory run, Function<String, Manifest.Stage> stage, UnaryOperator<Manifest> extra, String name) {
    this.running = () -> run.update(m -> extra.apply(m).withStage(stage.apply("running")));
    this.stopped = () -> run.update(m -> extra.apply(m).withStage(stage.apply("interrupted")));
    running.run();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name + "-manifest");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleWithFixedDelay(running, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
    // Ctrl-C is how a server stops: the manifest then still gets the final usage.
    onExit = new Thread(stopped, name + "-exit");
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /** The bearer token clients must send: the value of {@code --api-key-env VAR}, or null when not given. */
  static String bearerToken(String apiKeyEnv) {
    if (apiKeyEnv == null) {
      return null;
    }
    String token = System.getenv(apiKeyEnv);
    if (token == null || token.isBlank()) {
      throw new BadInputException("--api-key-env: environment variable " + apiKeyEnv + " is not set");
    }
    return token;
  }

  /**
   * Prints where the server listens (the command's own lines), warns when it listens beyond this machine without a
   * token, then serves until stopped (see {@link #serveUntilStopped}).
   *
   * @param usedWithoutToken what anyone who can reach the server could then use ("the model", "the judge")
   */
  static int announceAndServe(PrintWriter out, PrintWriter err, ListenOptions listen, boolean tokenRequired,
      String usedWithoutToken, String... lines) throws IOException {
    for (String line : lines) {
      out.println(line);
    }
    if (!tokenRequired && !InetAddress.getByName(listen.host).isLoopbackAddress()) {
      err.println("warning: listening on " + listen.host + " without --api-key-env: anyone who can reach it can use "
          + usedWithoutToken);
    }
    out.flush();
    err.flush();
    return serveUntilStopped(out);
  }

  /** Waits until the process is stopped (Ctrl-C) or this thread is interrupted; requests in progress are cut off. */
  static int serveUntilStopped(PrintWriter out) {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.println("stopped");
      out.flush();
      return ExitCode.INTERRUPTED;
    }
    return ExitCode.OK;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it writes the manifest.
    }
    // An interrupt stopped the server; the flag would also stop the manifest's file write, so it waits.
    boolean interrupted = Thread.interrupted();
    stopped.run();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
