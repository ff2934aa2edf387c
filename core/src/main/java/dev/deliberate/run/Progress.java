package dev.deliberate.run;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Progress of a long stage on stderr: done / total, rate, ETA, retries and failures. On a terminal it redraws one
 * bar line; otherwise it prints a log line every {@code logEvery}. Thread-safe.
 */
public final class Progress implements AutoCloseable {
  private final String label;
  private final long total;
  private final PrintWriter out;
  private final boolean terminal;
  private final LongSupplier retries;
  private final LongAdder done = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService ticker;

  /**
   * @param total the records this run will process (already finished ones excluded)
   * @param retries where to read the retry count from
   */
  public Progress(String label, long total, PrintWriter out, boolean terminal, LongSupplier retries, Duration logEvery) {
    this.label = label;
    this.total = total;
    this.out = out;
    this.terminal = terminal;
    this.retries = retries;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "progress-" + label);
      t.setDaemon(true);
      return t;
    });
    long period = terminal ? 250 : Math.max(100, logEvery.toMillis());
    ticker.scheduleAtFixedRate(this::print, period, period, TimeUnit.MILLISECONDS);
  }

  public void done() {
    done.increment();
  }

  public void failed() {
    failed.increment();
  }

  /** The status line as it would be printed now. */
  public String line() {
    long finished = done.sum() + failed.sum();
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    double rate = finished / seconds;
    String eta = rate <= 0 || finished >= total ? "--" : formatSeconds((total - finished) / rate);
    String bar = "";
    if (terminal) {
      int width = 24;
      int filled = total == 0 ? width : (int) Math.min(width, width * finished / total);
      bar = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] ";
    }
    return String.format("%s: %s%d/%d  %.1f/s  ETA %s  retries %d  failed %d",
        label, bar, finished, total, rate, eta, retries.getAsLong(), failed.sum());
  }

  private synchronized void print() {
    if (terminal) {
      out.print("\r" + line() + "\u001b[K");
    } else {
      out.println(line());
    }
    out.flush();
  }

  /** Stops the ticker and prints the last state on its own line. */
  @Override
  public synchronized void close() {
    ticker.shutdownNow();
    if (terminal) {
      out.print("\r" + line() + "\u001b[K\n");
    } else {
      out.println(line());
    }
    out.flush();
  }

  static String formatSeconds(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60) : String.format("%dm%02ds", s / 60, s % 60);
  }
}
