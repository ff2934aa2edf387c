package dev.deliberate.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.deliberate.BadInputException;
import dev.deliberate.judge.RefusalClass;
import dev.deliberate.spec.Category;
import dev.deliberate.spec.Spec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The judge as an HTTP reward model for external RL frameworks.
 *
 * <ul>
 *   <li>{@code POST /reward}: OpenRLHF's remote reward protocol, {@code {"query", "prompts", "labels"}} to
 *       {@code {"rewards", "scores", "extra_logs"}}; see {@link RewardRequests} for the label format;
 *   <li>{@code POST /score}: one or many {@code {prompt, response, category, expected?}} items to
 *       {@code {"scores", "results"}} with each judgment's criteria, for verl and TRL reward functions;
 *   <li>{@code GET /health}: status, judge id and spec identity; never needs the token.
 * </ul>
 *
 * Limits: a body over {@code maxBodyBytes} or more than {@code maxBatch} items is answered 413. At most
 * {@code concurrency} requests are worked on at once and {@code queue} more wait their turn; beyond that a request
 * is answered 503 with {@code Retry-After: 1} at once (clients such as OpenRLHF retry). Judge calls of all requests
 * share {@code concurrency} threads, so a big batch is judged in parallel.
 */
public final class RewardServer implements AutoCloseable {
  /**
   * How the server listens and what it accepts.
   *
   * @param host the address to bind, 127.0.0.1 by default
   * @param port the port, 0 for any free one
   * @param maxBatch most items in one request
   * @param maxBodyBytes largest request body
   * @param concurrency requests worked on at once, and judge calls in flight at once
   * @param queue requests that may wait for a worker before further ones get 503
   * @param apiKey the bearer token clients must send, or null for none; never printed
   */
  public record Options(String host, int port, int maxBatch, long maxBodyBytes, int concurrency, int queue, String apiKey)
      implements BoundedHttpServer.Limits {
    public Options {
      BoundedHttpServer.checkLimits(port, maxBodyBytes, concurrency, queue);
      if (maxBatch < 1) {
        throw new BadInputException("--max-batch: expected at least 1, got " + maxBatch);
      }
    }

    public static Options defaults() {
      return new Options("127.0.0.1", 8000, 1024, 16L << 20, 8, 64, null);
    }

    public Options withPort(int newPort) {
      return new Options(host, newPort, maxBatch, maxBodyBytes, concurrency, queue, apiKey);
    }

    public Options withApiKey(String key) {
      return new Options(host, port, maxBatch, maxBodyBytes, concurrency, queue, key);
    }

    public Options withLimits(int newMaxBatch, long newMaxBodyBytes, int newConcurrency, int newQueue) {
      return new Options(host, port, newMaxBatch, newMaxBodyBytes, newConcurrency, newQueue, apiKey);
    }

    @Override
    public String toString() {
      return "Options[host=" + host + ", port=" + port + ", maxBatch=" + maxBatch + ", maxBodyBytes=" + maxBodyBytes
          + ", concurrency=" + concurrency + ", queue=" + queue + ", apiKey=" + (apiKey == null ? "none" : "(set)") + "]";
    }
  }

  private final RewardScorer scorer;
  private final Spec spec;
  private final Options options;
  private final Consumer<String> log;
  private final RewardRequests requests;
  private final byte[] apiKey;
  private final ExecutorService judgePool;
  private BoundedHttpServer server;

  private RewardServer(RewardScorer scorer, Spec spec, Options options, Consumer<String> log) {
    this.scorer = scorer;
    this.spec = spec;
    this.options = options;
    this.log = log;
    Set<String> anchors = new LinkedHashSet<>();
    spec.categories().forEach(c -> anchors.add(c.anchor()));
    this.requests = new RewardRequests(anchors);
    this.apiKey = Exchanges.token(options.apiKey());
    this.judgePool = Executors.newFixedThreadPool(options.concurrency(), BoundedHttpServer.daemons("reward-judge-"));
  }

  /** Binds and starts serving; {@link #close()} stops. */
  public static RewardServer start(RewardScorer scorer, Spec spec, Options options, Consumer<String> log) throws IOException {
    RewardServer s = new RewardServer(scorer, spec, options, log);
    s.server = BoundedHttpServer.start(options, "reward", s::handle,
        (exchange, message) -> send(exchange, 503, error(message)));
    return s;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.port();
  }

  public String url() {
    return server.url();
  }

  @Override
  public void close() {
    server.close();
    judgePool.shutdownNow();
  }

  private void handle(HttpExchange exchange, String path, String method) throws IOException {
    try {
      switch (path) {
        case "/health" -> {
          if (!method.equals("GET")) {
            notAllowed(exchange, "GET");
          } else {
            send(exchange, 200, health());
          }
        }
        case "/reward", "/score" -> {
          if (!method.equals("POST")) {
            notAllowed(exchange, "POST");
          } else if (authorised(exchange)) {
            post(exchange, path);
          }
        }
        default -> send(exchange, 404, error("no such endpoint " + path + "; expected POST /reward, POST /score or GET /health"));
      }
    } catch (BadInputException e) {
      send(exchange, 400, error(e.getMessage()));
    } catch (Exchanges.TooLarge e) {
      send(exchange, 413, error(e.getMessage()));
    } catch (RewardScorer.JudgeCallFailed e) {
      log.accept(path + ": " + e.getMessage());
      send(exchange, 502, error(e.getMessage()));
    } catch (RuntimeException e) {
      log.accept(path + ": internal error: " + e);
      send(exchange, 500, error("internal error: " + e.getClass().getSimpleName()));
    }
  }

  private void post(HttpExchange exchange, String path) throws IOException {
    JsonNode body = RewardRequests.parse(Exchanges.readBody(exchange, options.maxBodyBytes()));
    List<RewardItem> items = path.equals("/reward") ? requests.openRlhf(body) : requests.score(body);
    if (items.size() > options.maxBatch()) {
      throw new Exchanges.TooLarge("batch of " + items.size() + " items is over the limit of " + options.maxBatch()
          + " (--max-batch); send smaller batches");
    }
    List<RewardScorer.Scored> scored = scorer.scoreAll(items, judgePool);
    if (path.equals("/reward")) {
      refuseFailedJudgments(scored);
    }
    Map<String, Object> reply = path.equals("/reward") ? openRlhfReply(scored) : scoreReply(scored);
    log.accept(String.format("%s: %d items, mean reward %.3f", path, scored.size(), mean(scored)));
    send(exchange, 200, reply);
  }

  private boolean authorised(HttpExchange exchange) throws IOException {
    String problem = Exchanges.bearerProblem(exchange, apiKey);
    if (problem != null) {
      send(exchange, 401, error(problem));
    }
    return problem == null;
  }

  private Map<String, Object> health() {
    Map<String, Object> specInfo = new LinkedHashMap<>();
    specInfo.put("id", spec.id());
    specInfo.put("version", spec.version());
    specInfo.put("hash", spec.hash());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "ok");
    out.put("judge", scorer.judge().id());
    out.put("spec", specInfo);
    out.put("categories", spec.categories().stream().map(Category::anchor).toList());
    return out;
  }

  /**
   * OpenRLHF's reply. {@code rewards} and {@code scores} are the same judge scores (OpenRLHF trains on the first and
   * filters and logs with the second); every {@code extra_logs} entry is a list with one number per item, as
   * OpenRLHF averages them: each criterion (0 where an item has none), {@code judge_failed} and
   * {@code reasoning_removed}, {@code unlabelled} (the request gave no category) and {@code refused} (the style
   * reader does not read full compliance) as 0/1.
   */
  static Map<String, Object> openRlhfReply(List<RewardScorer.Scored> scored) {
    List<Double> rewards = scored.stream().map(RewardScorer.Scored::score).toList();
    Set<String> criteria = new TreeSet<>();
    scored.forEach(s -> criteria.addAll(s.criteria().keySet()));
    Map<String, Object> logs = new LinkedHashMap<>();
    for (String criterion : criteria) {
      logs.put(criterion, scored.stream().map(s -> s.criteria().getOrDefault(criterion, 0.0)).toList());
    }
    logs.put("judge_failed", scored.stream().map(s -> s.failure() == null ? 0.0 : 1.0).toList());
    logs.put("reasoning_removed", scored.stream().map(s -> s.reasoningRemoved() ? 1.0 : 0.0).toList());
    logs.put("unlabelled", scored.stream().map(s -> s.classified() ? 1.0 : 0.0).toList());
    logs.put("refused", scored.stream().map(s -> s.refusal() == RefusalClass.FULL_COMPLIANCE ? 0.0 : 1.0).toList());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rewards", rewards);
    out.put("scores", rewards);
    out.put("extra_logs", logs);
    return out;
  }

  /**
   * OpenRLHF needs a number for every sample and a failed judgment has none (see {@code Judgment#reward}): the batch
   * is refused, naming the item and the reason, rather than paid a made-up number.
   */
  private static void refuseFailedJudgments(List<RewardScorer.Scored> scored) {
    for (int i = 0; i < scored.size(); i++) {
      if (Double.isNaN(scored.get(i).score())) {
        throw new RewardScorer.JudgeCallFailed(i, new IllegalStateException("the judgment failed ("
            + scored.get(i).failure() + "); OpenRLHF needs a reward for every sample and a failed judgment has none"));
      }
    }
  }

  /** The reply to {@code /score}: a failed judgment's score is null (TRL leaves a None reward out). */
  static Map<String, Object> scoreReply(List<RewardScorer.Scored> scored) {
    List<Map<String, Object>> results = new ArrayList<>();
    for (RewardScorer.Scored s : scored) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("score", scoreOrNull(s));
      r.put("criteria", s.criteria());
      r.put("rationale", s.rationale());
      r.put("suspicious", s.suspicious());
      r.put("failure", s.failure());
      r.put("reasoning_removed", s.reasoningRemoved());
      r.put("refusal", s.refusal().wireName());
      r.put("category", s.category());
      r.put("classified", s.classified());
      results.add(r);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scores", scored.stream().map(RewardServer::scoreOrNull).toList());
    out.put("results", results);
    return out;
  }

  /** JSON has no NaN: a failed judgment's score is written as null. */
  private static Double scoreOrNull(RewardScorer.Scored s) {
    return Double.isNaN(s.score()) ? null : s.score();
  }

  private static double mean(List<RewardScorer.Scored> scored) {
    return scored.stream().mapToDouble(RewardScorer.Scored::score).filter(d -> !Double.isNaN(d)).average().orElse(0);
  }

  private static Map<String, Object> error(String message) {
    return Map.of("error", message);
  }

  private void notAllowed(HttpExchange exchange, String allowed) throws IOException {
    send(exchange, 405, error(Exchanges.notAllowed(exchange, allowed)));
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    Exchanges.sendJson(exchange, status, body);
  }
}
