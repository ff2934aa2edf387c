package dev.deliberate.run;

/**
 * How a stage reaches its model: the model string (see the models documentation), the environment variable holding
 * its API key, how many requests may be in flight, how long one may take and how often it is retried.
 */
public record ModelSettings(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds,
    Integer maxRetries) {
  /**
   * Validated settings with defaults filled in (concurrency {@code defaultConcurrency}, timeout 600 s, 5
   * retries); a bad value throws {@link IllegalArgumentException} naming the field.
   */
  public static ModelSettings of(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds,
      Integer maxRetries, int defaultConcurrency) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model: required: a model string such as reference or http://HOST:PORT/v1#NAME");
    }
    if (concurrency != null && concurrency < 1) {
      throw new IllegalArgumentException("concurrency: expected at least 1, got " + concurrency);
    }
    if (timeoutSeconds != null && !(timeoutSeconds > 0)) {
      throw new IllegalArgumentException("timeout_seconds: expected a positive number, got " + timeoutSeconds);
    }
    if (maxRetries != null && maxRetries < 0) {
      throw new IllegalArgumentException("max_retries: expected 0 or more, got " + maxRetries);
    }
    return new ModelSettings(model, apiKeyEnv, concurrency == null ? defaultConcurrency : concurrency,
        timeoutSeconds == null ? 600.0 : timeoutSeconds, maxRetries == null ? 5 : maxRetries);
  }
}
