package dev.deliberate.run;

import dev.deliberate.model.BatchChatModel;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ModelOptions;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.run.Accounting;
import dev.deliberate.run.BatchingChatModel;
import dev.deliberate.run.CallPolicy;
import dev.deliberate.run.ModelCaller;
import dev.deliberate.run.ResponseCache;
import dev.deliberate.run.RunDirectory;
import java.time.Duration;

/**
 * The models of a stage, each wrapped in the run machinery's {@link ModelCaller} (response cache, retries, usage
 * accounting). Replies of a model that is not {@link ChatModel#cacheable()} bypass the cache. The cache is the run
 * directory's and is opened on first use; close this when the stage is over.
 */
public final class StageModels implements AutoCloseable {
  private final RunDirectory run;
  private final ModelResolver resolver;
  private Accounting accounting = new Accounting(Accounting.Prices.NONE);
  private ResponseCache cache;

  public StageModels(RunDirectory run, ModelResolver resolver) {
    this.run = run;
    this.resolver = resolver;
  }

  /** Starts counting usage afresh (one accounting per stage). */
  public void resetAccounting() {
    accounting = new Accounting(Accounting.Prices.NONE);
  }

  public Accounting accounting() {
    return accounting;
  }

  public ChatModel model(ModelSettings settings) {
    ModelOptions options = ModelOptions.defaults()
        .withApiKeyEnv(settings.apiKeyEnv())
        .withTimeout(Duration.ofMillis((long) (settings.timeoutSeconds() * 1000)))
        .withMaxInFlightPerEndpoint(settings.concurrency());
    ChatModel model = resolver.resolve(settings.model(), options);
    if (model.cacheable() && cache == null) {
      cache = ResponseCache.open(run.cacheFile());
    }
    return new ModelCaller(model, model.cacheable() ? cache : null, CallPolicy.defaults().withMaxRetries(settings.maxRetries()),
        accounting);
  }

  /**
   * A model on this machine ({@code local:DIR}) as the run machinery calls it: retries and accounting, but no
   * response cache (a local model is free, and keeps its id when its directory is trained again). When the
   * backend batches ({@link BatchChatModel}), the requests of up to {@code settings.concurrency()} concurrent
   * callers are sampled as one batch. The caller closes the returned backend when the stage is over.
   */
  public Local local(ModelSettings settings) {
    ChatModel backend = resolver.resolve(settings.model(), ModelOptions.defaults());
    ChatModel batched = backend instanceof BatchChatModel b
        ? new BatchingChatModel(b, settings.concurrency(), Duration.ofMillis(50)) : backend;
    return new Local(new ModelCaller(batched, null, CallPolicy.defaults().withMaxRetries(settings.maxRetries()), accounting),
        backend);
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
  public void close() {
    if (cache != null) {
      cache.close();
      cache = null;
    }
  }
}
