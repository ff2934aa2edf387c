package dev.deliberate.run;

import dev.deliberate.model.BatchChatModel;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelOptions;
import dev.deliberate.model.ModelResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one model factory: the models of a stage, each wrapped in the run machinery's {@link ModelCaller} (response
 * cache, retries within the stage's retry budget, rate limits, usage accounting). Replies of a model that is not
 * {@link ChatModel#cacheable()} bypass the cache. The cache is the run directory's (or {@link Calls#cacheFile}) and
 * is opened on first use; close this when the stage is over. {@link #modelIds()} says which models were built, for
 * the manifest.
 */
public final class StageModels implements AutoCloseable {
  private final RunDirectory run;
  private final ModelResolver resolver;
  private final Calls calls;
  private final List<String> modelIds = new ArrayList<>();
  private Accounting accounting;
  private ResponseCache cache;

  /**
   * How every model of a stage is called, beyond its own {@link ModelSettings}.
   *
   * @param cacheFile the response cache, or null for the run directory's
   * @param cached whether replies are cached at all
   * @param retryBudget retries allowed across the stage, per model (see {@link CallPolicy#retryBudget})
   * @param requestsPerMinute 0 for no limit
   * @param tokensPerMinute 0 for no limit
   * @param prices for the cost in the accounting
   */
  public record Calls(Path cacheFile, boolean cached, long retryBudget, int requestsPerMinute, long tokensPerMinute,
      Accounting.Prices prices) {
    public Calls {
      if (retryBudget < 0 || requestsPerMinute < 0 || tokensPerMinute < 0) {
        throw new IllegalArgumentException("the retry budget and rate limits cannot be negative");
      }
      prices = prices == null ? Accounting.Prices.NONE : prices;
    }

    /** The run directory's cache, no limit on retries beyond each call's own, no rate limits, no prices. */
    public static Calls defaults() {
      return new Calls(null, true, Long.MAX_VALUE, 0, 0, Accounting.Prices.NONE);
    }

    public Calls withCache(Path file, boolean on) {
      return new Calls(file, on, retryBudget, requestsPerMinute, tokensPerMinute, prices);
    }

    public Calls withRetryBudget(long budget) {
      return new Calls(cacheFile, cached, budget, requestsPerMinute, tokensPerMinute, prices);
    }

    public Calls withRateLimits(int rpm, long tpm) {
      return new Calls(cacheFile, cached, retryBudget, rpm, tpm, prices);
    }

    public Calls withPrices(Accounting.Prices newPrices) {
      return new Calls(cacheFile, cached, retryBudget, requestsPerMinute, tokensPerMinute, newPrices);
    }
  }

  /** How long a stage's partial batch waits for more of the stage's callers. */
  public static final Duration STAGE_LINGER = Duration.ofMillis(50);

  public StageModels(RunDirectory run, ModelResolver resolver) {
    this(run, resolver, Calls.defaults());
  }

  public StageModels(RunDirectory run, ModelResolver resolver, Calls calls) {
    this.run = run;
    this.resolver = resolver;
    this.calls = calls;
    this.accounting = new Accounting(calls.prices());
  }

  /** Starts counting usage afresh (one accounting per stage). */
  public void resetAccounting() {
    accounting = new Accounting(calls.prices());
  }

  public Accounting accounting() {
    return accounting;
  }

  /** The ids of the models built so far, in the order first built (never a secret): the manifest's models. */
  public synchronized List<String> modelIds() {
    return List.copyOf(modelIds);
  }

  public ChatModel model(ModelSettings settings) {
    ModelOptions options = ModelOptions.defaults()
        .withApiKeyEnv(settings.apiKeyEnv())
        .withTimeout(Duration.ofMillis((long) (settings.timeoutSeconds() * 1000)))
        .withMaxInFlightPerEndpoint(settings.concurrency());
    ChatModel model = resolver.resolve(settings.model(), options);
    built(model.id());
    boolean cached = calls.cached() && model.cacheable();
    return new ModelCaller(model, cached ? cache() : null, policy(settings), accounting);
  }

  /**
   * A model on this machine ({@code local:DIR}) as the run machinery calls it: retries and accounting, but no
   * response cache (a local model is free, and keeps its id when its directory is trained again). When the
   * backend batches ({@link BatchChatModel}), the requests of up to {@code settings.concurrency()} concurrent
   * callers are sampled as one batch. The caller closes the returned backend when the stage is over.
   */
  public Local local(ModelSettings settings) {
    return local(settings, STAGE_LINGER);
  }

  /**
   * The same, with the first request of a partial batch waiting {@code linger} for others (see
   * {@link BatchingChatModel}): a server, whose callers do not come back together, waits less.
   */
  public Local local(ModelSettings settings, Duration linger) {
    ChatModel backend = resolver.resolve(settings.model(), ModelOptions.defaults());
    built(backend.id());
    ChatModel batched = backend instanceof BatchChatModel b
        ? new BatchingChatModel(b, settings.concurrency(), linger) : backend;
    return new Local(new ModelCaller(batched, null, policy(settings), accounting), backend);
  }

  private CallPolicy policy(ModelSettings settings) {
    return CallPolicy.defaults().withMaxRetries(settings.maxRetries()).withRetryBudget(calls.retryBudget())
        .withRateLimits(calls.requestsPerMinute(), calls.tokensPerMinute());
  }

  private synchronized void built(String id) {
    if (!modelIds.contains(id)) {
      modelIds.add(id);
    }
  }

  private synchronized ResponseCache cache() {
    if (cache == null) {
      cache = ResponseCache.open(calls.cacheFile() != null ? calls.cacheFile() : run.cacheFile());
    }
    return cache;
  }

  /**
   * Counts a reply its backend gave outside {@link #local}'s caller (a server's streamed reply, sampled alone), so
   * the stage's usage has every call.
   */
  public void counted(String modelId, ChatResponse.Usage usage) {
    accounting.called(modelId, usage);
  }

  /** A local model: {@code model} to call, {@code backend} to close. */
  public record Local(ChatModel model, ChatModel backend) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      if (backend instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  public static boolean isLocal(String modelString) {
    return modelString.startsWith("local:");
  }

  @Override
  public synchronized void close() {
    if (cache != null) {
      cache.close();
      cache = null;
    }
  }
}
