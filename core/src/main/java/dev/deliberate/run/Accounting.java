package dev.deliberate.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deliberate.model.ChatResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts, per model id, what a stage's calls cost: network calls, cache hits, retries, final failures and tokens
 * (tokens of cached replies are not counted: they were paid for once already). Thread-safe.
 */
public final class Accounting {
  private final Prices prices;
  private final Map<String, Counters> byModel = new ConcurrentHashMap<>();

  public Accounting(Prices prices) {
    this.prices = prices == null ? Prices.NONE : prices;
  }

  void called(String modelId, ChatResponse.Usage usage) {
    Counters c = counters(modelId);
    c.requests.increment();
    c.promptTokens.add(usage.promptTokens());
    c.completionTokens.add(usage.completionTokens());
  }

  void cacheHit(String modelId) {
    counters(modelId).cacheHits.increment();
  }

  void retried(String modelId) {
    counters(modelId).retries.increment();
  }

  void failed(String modelId) {
    counters(modelId).failures.increment();
  }

  public long totalRetries() {
    return byModel.values().stream().mapToLong(c -> c.retries.sum()).sum();
  }

  /** The usage so far, by model id in name order. */
  public Map<String, ModelUsage> snapshot() {
    Map<String, ModelUsage> out = new TreeMap<>();
    byModel.forEach((id, c) -> {
      long in = c.promptTokens.sum();
      long outTokens = c.completionTokens.sum();
      out.put(id, new ModelUsage(c.requests.sum(), c.cacheHits.sum(), c.retries.sum(), c.failures.sum(), in, outTokens,
          prices.cost(id, in, outTokens)));
    });
    return out;
  }

  private Counters counters(String modelId) {
    return byModel.computeIfAbsent(modelId, k -> new Counters());
  }

  private static final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder cacheHits = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder completionTokens = new LongAdder();
  }

  /** One model's usage; {@code costUsd} is null when no price is configured for it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelUsage(
      long requests,
      @JsonProperty("cache_hits") long cacheHits,
      long retries,
      long failures,
      @JsonProperty("prompt_tokens") long promptTokens,
      @JsonProperty("completion_tokens") long completionTokens,
      @JsonProperty("cost_usd") Double costUsd) {}

  /**
   * Prices in US dollars per million tokens, per model id, and {@code others} (or null) for every other model; a
   * model without a price has no cost.
   */
  public record Prices(Map<String, Price> byModel, Price others) {
    public static final Prices NONE = new Prices(Map.of());

    public Prices {
      byModel = Map.copyOf(byModel);
    }

    public Prices(Map<String, Price> byModel) {
      this(byModel, null);
    }

    /** One price for every model (a command that calls one model). */
    public static Prices forEvery(Price price) {
      return new Prices(Map.of(), price);
    }

    Double cost(String modelId, long promptTokens, long completionTokens) {
      Price p = byModel.getOrDefault(modelId, others);
      return p == null ? null : (promptTokens * p.inputPerMillion() + completionTokens * p.outputPerMillion()) / 1e6;
    }
  }

  public record Price(double inputPerMillion, double outputPerMillion) {
    public Price {
      if (inputPerMillion < 0 || outputPerMillion < 0) {
        throw new IllegalArgumentException("prices cannot be negative");
      }
    }
  }
}
