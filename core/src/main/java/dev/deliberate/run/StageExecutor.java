package dev.deliberate.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.AtomicFiles;
import dev.deliberate.io.Json;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
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
 * <p>Each output line is {@code {"id": ..., "status": "done", "key": ..., ...the result's fields}} or
 * {@code {"id": ..., "status": "failed", "key": ..., "error": "why"}}. The key says what made the record (a hash
 * of the model, its options, the prompt template, the spec and the input's content); a stage without keys leaves
 * it out. On start, records already done in the output with the key their input has now are skipped; a done
 * record with another key was made by something else and is made again, its new line replacing the old. Failed
 * ones and a line cut short by a crash are dropped (the file is rewritten atomically) and tried again. After a
 * run each id has one line: where an id has several, the last one wins. Ctrl-C stops taking new records, lets
 * the ones in flight finish for a grace period, and says how to resume; a failure seen while stopping is not
 * written, so it is tried again on resume.
 *
 * <p>Work that gets a reply it cannot use throws {@link UnusableReply}: the record is failed with that reason,
 * never done with nothing in it.
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
  private final Function<I, String> keyOf;
  private final Work<I> work;
  private final Options options;

  /** An executor whose done records are reused whatever made them (for work that depends on its input alone). */
  public StageExecutor(Path output, Function<I, String> idOf, Work<I> work, Options options) {
    this(output, idOf, null, work, options);
  }

  /**
   * @param keyOf what made the record of an input: a done record is reused only when its key equals this (null:
   *     reused whatever made it)
   */
  public StageExecutor(Path output, Function<I, String> idOf, Function<I, String> keyOf, Work<I> work, Options options) {
    this.output = output;
    this.idOf = idOf;
    this.keyOf = keyOf;
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
    Map<String, String> doneKeys = prepareOutput();
    Set<String> seen = new HashSet<>();
    long skipped = 0;
    long remade = 0;
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

    long already = doneKeys.size();
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
        String key;
        try {
          if (!inputs.hasNext()) {
            break;
          }
          input = inputs.next();
          id = idOf.apply(input);
          if (id == null || id.isBlank()) {
            throw new BadInputException("a " + options.stage() + " input record has no id");
          }
          key = keyOf == null ? null : keyOf.apply(input);
        } catch (RuntimeException e) {
          inputError = e; // let the records in flight finish and be written, then report it
          break;
        }
        if (!seen.add(id)) {
          skipped++;
          continue;
        }
        if (doneKeys.containsKey(id)) {
          if (keyOf == null || Objects.equals(key, doneKeys.get(id))) {
            skipped++;
            continue;
          }
          remade++; // made by something else: made again, and the new line replaces the old one
        }
        slots.acquireUninterruptibly();
        pool.execute(() -> {
          try {
            Outcome outcome = runOne(id, key, input, stopping);
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
    if (remade > 0) {
      rewrite(true);
    }
    Summary summary = new Summary(total, skipped, done.get(), failed.get(), stopping.get(),
        Duration.ofNanos(System.nanoTime() - start));
    if (inputError != null) {
      finished.countDown();
      throw inputError;
    }
    try {
      report(summary, remade);
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

  private Outcome runOne(String id, String key, I input, AtomicBoolean stopping) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("id", id);
    try {
      JsonNode result = Json.mapper().valueToTree(work.apply(input));
      if (result == null || !result.isObject()) {
        throw new IllegalStateException("the " + options.stage() + " work must return a record, got " + result);
      }
      node.put("status", "done");
      if (key != null) {
        node.put("key", key);
      }
      result.fields().forEachRemaining(f -> {
        if (!f.getKey().equals("id") && !f.getKey().equals("status") && !(key != null && f.getKey().equals("key"))) {
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
      if (key != null) {
        node.put("key", key);
      }
      node.put("error", ModelFailures.oneLine(reason, 500));
      return new Outcome(node, false);
    }
    return new Outcome(node, true);
  }

  /**
   * Reads what an earlier run wrote and returns the ids done, each with the key it was made with (null when the
   * line has none). A last line cut short by a crash is cut off; failed records and the earlier lines of a
   * repeated id are removed by an atomic rewrite, so failed ones are tried again and each id stays written once.
   * A damaged line anywhere else is bad input naming {@code file:line}.
   */
  private Map<String, String> prepareOutput() {
    Map<String, String> done = new HashMap<>();
    if (!Files.exists(output)) {
      return done;
    }
    JsonlAppender.repair(output);
    boolean needsRewrite = false;
    Set<String> ids = new HashSet<>();
    try (JsonlReader<JsonNode> reader = JsonlReader.open(output, false)) {
      for (JsonNode node : reader) {
        if (!node.path("id").isTextual()) {
          throw new BadInputException(output + ":" + reader.records() + ": expected a record with an id; this file is not a "
              + options.stage() + " output");
        }
        String id = node.get("id").asText();
        needsRewrite |= !ids.add(id);
        if (node.path("status").asText().equals("done")) {
          done.put(id, node.path("key").isTextual() ? node.get("key").asText() : null);
        } else {
          done.remove(id);
          needsRewrite = true;
        }
      }
    }
    if (needsRewrite) {
      rewrite(false);
    }
    return done;
  }

  /** Rewrites the output atomically with the last line of each id, failed ones included only when asked. */
  private void rewrite(boolean keepFailed) {
    Map<String, JsonNode> last = new LinkedHashMap<>();
    try (JsonlReader<JsonNode> reader = JsonlReader.open(output, false)) {
      for (JsonNode node : reader) {
        last.remove(node.get("id").asText());
        last.put(node.get("id").asText(), node);
      }
    }
    try (AtomicFiles.Pending rewrite = AtomicFiles.begin(output)) {
      Writer writer = rewrite.writer();
      for (JsonNode node : last.values()) {
        if (keepFailed || node.path("status").asText().equals("done")) {
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

  private void report(Summary s, long remade) {
    PrintWriter log = options.log();
    log.printf("%s: %d done, %d failed, %d already in %s%s (%.1f s)%n", options.stage(), s.done(), s.failed(),
        s.skipped(), output.getFileName(), remade > 0 ? ", " + remade + " made again (made with other settings before)" : "",
        s.elapsed().toMillis() / 1000.0);
    if (s.interrupted()) {
      log.println(options.stage() + ": interrupted; finished records are saved. Rerun the same command to resume.");
    } else if (s.failed() > 0) {
      log.println(options.stage() + ": " + s.failed() + " record(s) failed (see \"error\" in " + output.getFileName()
          + "); rerun the same command to try them again.");
    }
    log.flush();
  }
}
