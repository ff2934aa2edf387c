package dev.deliberate.run;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ModelOptions;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Benchmark of the client path every stage uses (stage executor, model caller with cache, OpenAI-compatible
 * client) against a loopback server answering after a fixed latency. Not a unit test: run {@code bench/run-client.sh}.
 *
 * <ol>
 *   <li>Throughput: N prompts, latency L, concurrency C; prints the ideal wall time N·L/C divided by the measured
 *       one (1.0 = no overhead; target at least 0.9).
 *   <li>Memory: streams M prompts from a JSONL file to a JSONL output with the same settings and prints the peak
 *       heap in use after any collection (the live set) and the peak sampled heap use (target at most 256 MB; the
 *       script also caps the heap at 256 MB, so going over fails the run).
 * </ol>
 * Arguments (all optional): N, M, L in ms, C, and the base URL of a loopback server already answering after L ms
 * in another process ({@link LatencyServer}, as {@code bench/run-client.sh} starts it); without it the server runs
 * in this JVM.
 */
public final class ClientBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int m = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    long latencyMs = args.length > 2 ? Long.parseLong(args[2]) : 50;
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    Path work = Files.createTempDirectory("deliberate-bench");
    PrintWriter quiet = new PrintWriter(java.io.OutputStream.nullOutputStream());
    String external = args.length > 4 ? args[4] : null;
    try (ScriptedServer server = external == null ? ScriptedServer.start() : null) {
      String baseUrl = external != null ? external : server.baseUrl();
      if (server != null) {
        server.logging(false).script(call -> Reply.delayed(Duration.ofMillis(latencyMs), Reply.echo()));
      }
      System.out.println("server: " + (external != null ? "separate process at " + external : "in this JVM"));
      ChatModel model = ModelResolver.standard().resolve(baseUrl + "#bench",
          ModelOptions.defaults().withTimeout(Duration.ofSeconds(30)).withMaxInFlightPerEndpoint(concurrency));

      // Warm the JIT and the connection pool so the measurement sees the steady state.
      run(model, work.resolve("warm"), generated(2_000, "warm"), 2_000, concurrency, quiet);

      double ideal = n * latencyMs / 1000.0 / concurrency;
      double baseline = rawHttp(baseUrl, n, concurrency);
      long cpuBefore = cpuNanos();
      long start = System.nanoTime();
      StageExecutor.Summary s = run(model, work.resolve("throughput"), generated(n, "t"), n, concurrency, quiet);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuPerCall = (cpuNanos() - cpuBefore) / 1e3 / n;
      System.out.printf("throughput: %d prompts, L=%d ms, C=%d: %.2f s measured, %.2f s ideal (N*L/C), "
          + "ratio %.3f (target >= 0.9), %.0f prompts/s, %d failed%n", n, latencyMs, concurrency, seconds, ideal,
          ideal / seconds, n / seconds, s.failed());
      if (Boolean.getBoolean("bench.threads")) {
        printThreadCpu();
      }
      System.out.printf("baseline: bare HTTP calls from %d threads to the same server took %.2f s (ratio to ideal %.3f); "
          + "the stage path reaches %.3f of the baseline; process CPU per prompt %.0f us (%s); "
          + "%d bare-call errors%n", concurrency, baseline, ideal / baseline, baseline / seconds, cpuPerCall, external == null ? "server included" : "client only", rawErrors.get());

      Path prompts = work.resolve("prompts.jsonl");
      try (BufferedWriter w = Files.newBufferedWriter(prompts)) {
        for (int i = 0; i < m; i++) {
          w.write(Json.line(Prompt.of("memory prompt " + i + " with some more words to look like a request", null, null, "bench", Map.of())));
          w.write('\n');
        }
      }
      System.gc();
      AtomicLong peakLive = watchLiveHeap();
      AtomicLong peakUsed = new AtomicLong();
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.setDaemon(true);
      sampler.start();
      long memStart = System.nanoTime();
      StageExecutor.Summary big;
      try (dev.deliberate.data.JsonlReader<Prompt> reader = dev.deliberate.data.JsonlReader.open(prompts, Prompt.class, false)) {
        big = runPrompts(model, work.resolve("memory"), reader.iterator(), m, concurrency, quiet);
      }
      sampler.interrupt();
      double memSeconds = (System.nanoTime() - memStart) / 1e9;
      System.out.printf("memory: streamed %d prompts in %.1f s (ratio %.3f), %d done, %d failed; peak live heap after GC "
          + "%.1f MB, peak sampled heap use %.1f MB, max heap %.0f MB (target <= 256 MB)%n", m, memSeconds,
          m * latencyMs / 1000.0 / concurrency / memSeconds, big.done(), big.failed(), peakLive.get() / 1e6,
          peakUsed.get() / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  record Item(String id, String text) {}

  /** CPU time by thread-name family, to see what the client and the loopback server each cost. */
  private static void printThreadCpu() {
    var threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byFamily = new java.util.TreeMap<>();
    for (long id : threads.getAllThreadIds()) {
      var info = threads.getThreadInfo(id);
      if (info != null) {
        String family = info.getThreadName().replaceAll("[-#]?\\d+", "");
        byFamily.merge(family, Math.max(0, threads.getThreadCpuTime(id)), Long::sum);
      }
    }
    byFamily.forEach((k, v) -> System.out.printf("  cpu %-40s %8.0f ms%n", k, v / 1e6));
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  public static final AtomicLong rawErrors = new AtomicLong();

  /** The same number of calls with nothing but java.net.http and fixed threads: what this machine allows. */
  public static double rawHttp(String baseUrl, int count, int concurrency) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    java.net.URI uri = java.net.URI.create(baseUrl + "/chat/completions");
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      pool.execute(() -> {
        for (int i; (i = next.getAndIncrement()) < count; ) {
          String body = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"raw " + i + "\"}]}";
          for (int attempt = 0; attempt < 3; attempt++) {
            try {
              http.send(java.net.http.HttpRequest.newBuilder(uri).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
              break;
            } catch (java.io.IOException | InterruptedException e) {
              rawErrors.incrementAndGet();
            }
          }
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS);
    return (System.nanoTime() - start) / 1e9;
  }

  record Answer(String content) {}

  private static Iterator<Item> generated(int count, String prefix) {
    return IntStream.range(0, count).mapToObj(i -> new Item(prefix + i, prefix + " prompt " + i)).iterator();
  }

  private static StageExecutor.Summary run(ChatModel model, Path dir, Iterator<Item> items, long total, int concurrency,
      PrintWriter log) {
    try (ResponseCache cache = ResponseCache.open(dir.resolve("cache.sqlite"))) {
      ModelCaller caller = new ModelCaller(model, cache, CallPolicy.defaults(), new Accounting(null));
      return new StageExecutor<Item>(dir.resolve("out.jsonl"), Item::id,
          item -> new Answer(caller.chat(ChatRequest.of(List.of(Message.user(item.text())))).choices().get(0).content()),
          options(concurrency, log)).run(items, total);
    }
  }

  private static StageExecutor.Summary runPrompts(ChatModel model, Path dir, Iterator<Prompt> prompts, long total,
      int concurrency, PrintWriter log) {
    try (ResponseCache cache = ResponseCache.open(dir.resolve("cache.sqlite"))) {
      ModelCaller caller = new ModelCaller(model, cache, CallPolicy.defaults(), new Accounting(null));
      return new StageExecutor<Prompt>(dir.resolve("out.jsonl"), Prompt::id,
          p -> new Answer(caller.chat(ChatRequest.of(p.messages())).choices().get(0).content()),
          options(concurrency, log)).run(prompts, total);
    }
  }

  private static StageExecutor.Options options(int concurrency, PrintWriter log) {
    return new StageExecutor.Options("bench", concurrency, log, false, () -> 0, Duration.ofHours(1), Duration.ofSeconds(5));
  }

  /** The largest heap in use right after any garbage collection: the live set plus what survived promotion. */
  private static AtomicLong watchLiveHeap() {
    AtomicLong peak = new AtomicLong();
    List<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).map(java.lang.management.MemoryPoolMXBean::getName).toList();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
        if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          long used = 0;
          for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
              used += e.getValue().getUsed();
            }
          }
          peak.accumulateAndGet(used, Math::max);
        }
      }, null, null);
    }
    return peak;
  }
}
