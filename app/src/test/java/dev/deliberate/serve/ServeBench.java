package dev.deliberate.serve;

import dev.deliberate.data.Message;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.sampling.LocalChatModel;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.model.OpenAiChatModel;
import dev.deliberate.run.ModelSettings;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageModels;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench/serve.sh}: requests/s and tokens/s of {@code deliberate serve} (another process, reached over HTTP by
 * our OpenAI-compatible client) at several numbers of concurrent clients, each against the same requests made to the
 * same model in this process through the model factory ({@code StageModels.local}: the batching a stage gets with
 * that concurrency), the two taking turns in the same run, each side's best of {@link #ROUNDS} rounds kept.
 *
 * <p>Usage: {@code ServeBench MODEL BASE_URL NAME MAX_TOKENS REQUESTS_PER_CLIENT CLIENTS...}
 */
public final class ServeBench {
  private ServeBench() {}

  /** What one level measured. */
  record Figures(int requests, long completionTokens, double seconds) {
    double requestsPerSecond() {
      return requests / seconds;
    }

    double tokensPerSecond() {
      return completionTokens / seconds;
    }
  }

  static final String[] QUESTIONS = {"How do I bake bread?", "What is the capital of France?",
      "How are you today?", "Tell me about the sea.", "How do I boil an egg?", "What does a compiler do?",
      "Why do cats purr?", "Give me a tip for learning to swim."};

  public static void main(String[] args) throws Exception {
    String model = args[0];
    String baseUrl = args[1];
    String name = args[2];
    int maxTokens = Integer.parseInt(args[3]);
    int perClient = Integer.parseInt(args[4]);
    List<Integer> levels = new ArrayList<>();
    for (int i = 5; i < args.length; i++) {
      levels.add(Integer.parseInt(args[i]));
    }
    Path dir = ModelDirs.resolve(model.equals("tiny") ? "tiny" : model, line -> {});
    Path run = Files.createTempDirectory("serve-bench");
    ModelResolver resolver = new ModelResolver().register("local:", (s, o) -> LocalChatModel.open(dir));
    ChatModel http = new OpenAiChatModel("bench-client", name, List.of(URI.create(baseUrl)), null,
        Duration.ofSeconds(600), 1024);
    System.out.printf("model %s; %d requests per client, max_tokens %d, greedy, best of %d rounds; load average %s%n",
        dir, perClient, maxTokens, ROUNDS, Files.readString(Path.of("/proc/loadavg")).strip());
    System.out.println("clients | served over HTTP: requests/s, tokens/s | in-process engine: requests/s, tokens/s |"
        + " ratio (tokens/s)");
    try (StageModels models = new StageModels(RunDirectory.open(run, "bench"), resolver)) {
      // One untimed round each, so that neither side pays for warming up.
      measure(http, 1, 1, maxTokens);
      for (int clients : levels) {
        Figures inProcess = null;
        Figures served = null;
        try (StageModels.Local local = models.local(ModelSettings.of("local:" + dir, null, clients, null, 0, clients))) {
          measure(local.model(), 1, 1, maxTokens);
          // The two sides take turns, and each keeps its best round: the machine is shared, and what others run
          // slows a round down, never speeds it up.
          for (int round = 0; round < ROUNDS; round++) {
            inProcess = best(inProcess, measure(local.model(), clients, perClient, maxTokens));
            served = best(served, measure(http, clients, perClient, maxTokens));
          }
        }
        System.out.printf("%7d | %6.2f req/s, %7.1f tokens/s | %6.2f req/s, %7.1f tokens/s | %.2f%n", clients,
            served.requestsPerSecond(), served.tokensPerSecond(), inProcess.requestsPerSecond(),
            inProcess.tokensPerSecond(), served.tokensPerSecond() / inProcess.tokensPerSecond());
      }
    }
    System.out.printf("bench process peak resident memory: %s%n", peak());
  }

  /** Rounds per level and side. */
  static final int ROUNDS = 3;

  static Figures best(Figures a, Figures b) {
    return a == null || b.tokensPerSecond() > a.tokensPerSecond() ? b : a;
  }

  /** {@code clients} threads, each sending {@code perClient} requests one after another. */
  static Figures measure(ChatModel model, int clients, int perClient, int maxTokens) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<Long>> tokens = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      tokens.add(pool.submit(() -> {
        long sum = 0;
        for (int i = 0; i < perClient; i++) {
          String question = QUESTIONS[next.getAndIncrement() % QUESTIONS.length];
          ChatResponse r = model.chat(new ChatRequest(List.of(Message.user(question)), 1, 0.0, null, maxTokens, 0L,
              List.of(), Map.of()));
          sum += r.usage().completionTokens();
        }
        return sum;
      }));
    }
    long total = 0;
    for (Future<Long> f : tokens) {
      total += f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return new Figures(clients * perClient, total, seconds);
  }

  static String peak() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
        .map(l -> l.replaceAll("\\s+", " ")).findFirst().orElse("unknown");
  }
}
