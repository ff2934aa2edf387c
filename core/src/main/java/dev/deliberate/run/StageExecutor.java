package dev.deliberate.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.data.AtomicFiles;
import dev.deliberate.data.Json;
import dev.deliberate.data.JsonlAppender;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.model.ModelFailures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Runs one stage's work over input records with stable ids, writing one JSONL line per record to the output as
 * soon as it is finished (appended and flushed), so that the stage can be killed at any moment and resumed.
 *
 * <p>Each output line is {@code {"id": ..., "status": "done", ...the result's fields}} or
 * {@code {"id": ..., "status": "failed", "error": "why"}}. On start, records already done in the output are
 * skipped; failed ones and a line cut short by a crash are dropped (the file is rewritten atomically) and tried
 * again. Each id is written once. Ctrl-C stops taking new records, lets the ones in flight finish for a grace
 * period, and says how to resume; a failure seen while stopping is not written, so it is tried again on resume.
 *
 * @param <I> the input record type
 */
public final class StageExecutor<I> {
  /** The work for one record; its result must serialise to a JSON object (its {@code id}/{@code status} are ours). */
  @FunctionalInterface
  public interface Work<I> {
    Object apply(I input) throws Exception;
  }

  /**
   * @param stage the stage's name, for progress and messages
   * @param concurrency how many records are worked on at once
   * @param log where progress and the summary go (stderr)
   * @param terminal whether {@code log} is a terminal (a redrawn bar) or not (periodic lines)
   * @param retries the retry count to show in the progress line
   * @param logEvery how often to print a progress line when not on a terminal
   * @param stopGrace how long records in flight may take to finish after Ctrl-C
   */
  public record Options(String stage, int concurrency, PrintWriter log, boolean terminal, LongSupplier retries,
      Duration logEvery, Duration stopGrace) {
    public Options {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
      }
      retries = retries == null ? () -> 0 : retries;
    }

    public static Options of(String stage, int concurrency, PrintWriter log) {
      return new Options(stage, concurrency, log, System.console() != null, () -> 0, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    public Options withRetries(LongSupplier source) {
      return new Options(stage, concurrency, log, terminal, source, logEvery, stopGrace);
    }
  }

  /**
   * How a run went. {@code skipped} were already in the output; {@code done} and {@code failed} were written by
   * this run. {@code interrupted} runs leave records for the next run.
   */
  public record Summary(long total, long skipped, long done, long failed, boolean interrupted, Duration elapsed) {
    public boolean ok() {
      return failed == 0 && !interrupted;
    }

    /** Records done in the output after this run, counting those from earlier runs. */
    public long doneInOutput() {
      return skipped + done;
    }
  }

  private final Path output;
  private final Function<I, String> idOf;
  private final Work<I> work;
  private final Options options;

  public StageExecutor(Path output, Function<I, String> idOf, Work<I> work, Options options) {
    this.output = output;
    this.idOf = idOf;
    this.work = work;
    this.options = options;
  }

  /**
   * Works through {@code inputs} (read lazily; at most {@code concurrency} records are held at once beyond the
   * set of ids). {@code total} is the number of input records, for progress.
   */
  public Summary run(Iterator<I> inputs, long total) {
    return run(inputs, total, summary -> {});
  }

  /**
   * As {@link #run(Iterator, long)}, then {@code finish} (e.g. recording the summary in the manifest) before the
   * process may exit: after Ctrl-C the JVM waits for it.
   */
  public Summary run(Iterator<I> inputs, long total, java.util.function.Consumer<Summary> finish) {
    long start = System.nanoTime();
    Set<String> seen = prepareOutput();
    long skipped = 0;
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<RuntimeException> fatal = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean(false);
    RuntimeException inputError = null;
    Thread hook = new Thread(() -> {
      stopping.set(true);
      try {
        finished.await(options.stopGrace().toMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "stop-" + options.stage());
    Runtime.getRuntime().addShutdownHook(hook);

    long already = seen.size();
    ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
      Thread t = new Thread(r, options.stage() + "-worker");
      t.setDaemon(true);
      return t;
    });
    Semaphore slots = new Semaphore(options.concurrency());
    Progress progress = new Progress(options.stage(), Math.max(0, total - already), options.log(), options.terminal(),
        options.retries(), options.logEvery());
    try (JsonlAppender writer = JsonlAppender.open(output)) {
      while (!stopping.get() && fatal.get() == null) {
        I input;
        String id;
        try {
          if (!inputs.hasNext()) {
            break;
          }
          input = inputs.next();
          id = idOf.apply(input);
          if (id == null || id.isBlank()) {
            throw new BadInputException("a " + options.stage() + " input record has no id");
          }
        } catch (RuntimeException e) {
          inputError = e; // let the records in flight finish and be written, then report it
          break;
        }
        if (!seen.add(id)) {
          skipped++;
          continue;
        }
        slots.acquireUninterruptibly();
        pool.execute(() -> {
          try {
            Outcome outcome = runOne(id, input, stopping);
            if (outcome != null) {
              writer.append(outcome.record());
              (outcome.ok() ? done : failed).incrementAndGet();
              if (outcome.ok()) {
                progress.done();
              } else {
                progress.failed();
              }
            }
          } catch (RuntimeException e) {
            fatal.compareAndSet(null, e);
          } finally {
            slots.release();
          }
        });
      }
      pool.shutdown();
      long graceEnds = Long.MAX_VALUE;
      while (!pool.awaitTermination(100, TimeUnit.MILLISECONDS)) {
        if (stopping.get() && graceEnds == Long.MAX_VALUE) {
          graceEnds = System.nanoTime() + options.stopGrace().toNanos();
        } else if (System.nanoTime() > graceEnds) {
          pool.shutdownNow(); // what is still in flight is not written, so it is redone on resume
          pool.awaitTermination(5, TimeUnit.SECONDS);
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.set(true);
    } finally {
      pool.shutdownNow();
      progress.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it waits for the latch below.
      }
    }
    Summary summary = new Summary(total, skipped, done.get(), failed.get(), stopping.get(),
        Duration.ofNanos(System.nanoTime() - start));
    if (inputError != null) {
      finished.countDown();
      throw inputError;
    }
    try {
      report(summary);
      finish.accept(summary);
    } finally {
      finished.countDown();
    }
    if (fatal.get() != null) {
      throw fatal.get();
    }
    return summary;
  }

  /** The output line for one record and whether it is done, or null when a failure happened while stopping (it is tried on resume). */
  private record Outcome(ObjectNode record, boolean ok) {}

  private Outcome runOne(String id, I input, AtomicBoolean stopping) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("id", id);
    try {
      JsonNode result = Json.mapper().valueToTree(work.apply(input));
      if (result == null || !result.isObject()) {
        throw new IllegalStateException("the " + options.stage() + " work must return a record, got " + result);
      }
      node.put("status", "done");
      result.fields().forEachRemaining(f -> {
        if (!f.getKey().equals("id") && !f.getKey().equals("status")) {
          node.set(f.getKey(), f.getValue());
        }
      });
    } catch (IllegalStateException bug) {
      throw bug;
    } catch (Exception e) {
      if (stopping.get()) {
        return null;
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        return null;
      }
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      node.put("status", "failed");
      node.put("error", ModelFailures.oneLine(reason, 500));
      return new Outcome(node, false);
    }
    return new Outcome(node, true);
  }

  /**
   * Reads what an earlier run wrote and returns the ids already done. A last line cut short by a crash is cut off;
   * failed records (and any repeated id) are removed by an atomic rewrite, so they are tried again and each id
   * stays written once. A damaged line anywhere else is bad input naming {@code file:line}.
   */
  private Set<String> prepareOutput() {
    Set<String> done = new HashSet<>();
    if (!Files.exists(output)) {
      return done;
    }
    JsonlAppender.repair(output);
    boolean needsRewrite = false;
    try (JsonlReader<JsonNode> reader = JsonlReader.open(output, false)) {
      for (JsonNode node : reader) {
        if (!node.path("id").isTextual()) {
          throw new BadInputException(output + ":" + reader.records() + ": expected a record with an id; this file is not a "
              + options.stage() + " output");
        }
        if (!node.path("status").asText().equals("done") || !done.add(node.get("id").asText())) {
          needsRewrite = true;
        }
      }
    }
    if (needsRewrite) {
      keepOnlyDone();
    }
    return done;
  }

  private void keepOnlyDone() {
    Set<String> kept = new HashSet<>();
    try (JsonlReader<JsonNode> reader = JsonlReader.open(output, false); AtomicFiles.Pending rewrite = AtomicFiles.begin(output)) {
      Writer writer = rewrite.writer();
      for (JsonNode node : reader) {
        if (node.path("status").asText().equals("done") && kept.add(node.get("id").asText())) {
          writer.write(Json.line(node));
          writer.write('\n');
        }
      }
      rewrite.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + output + ": " + e.getMessage(), e);
    }
  }

  /** Counts the non-blank lines of a file without holding it in memory: the total for progress. */
  public static long countRecords(Path file) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long n = 0;
      for (String line; (line = reader.readLine()) != null; ) {
        if (!line.isBlank()) {
          n++;
        }
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private void report(Summary s) {
    PrintWriter log = options.log();
    log.printf("%s: %d done, %d failed, %d already in %s (%.1f s)%n", options.stage(), s.done(), s.failed(),
        s.skipped(), output.getFileName(), s.elapsed().toMillis() / 1000.0);
    if (s.interrupted()) {
      log.println(options.stage() + ": interrupted; finished records are saved. Rerun the same command to resume.");
    } else if (s.failed() > 0) {
      log.println(options.stage() + ": " + s.failed() + " record(s) failed (see \"error\" in " + output.getFileName()
          + "); rerun the same command to try them again.");
    }
    log.flush();
  }
}
