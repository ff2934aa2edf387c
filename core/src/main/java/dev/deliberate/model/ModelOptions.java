package dev.deliberate.model;

import java.time.Duration;
import java.util.function.Function;

/**
 * How to reach a model named by a model string.
 *
 * @param apiKeyEnv the environment variable holding the API key, or null for the scheme's default
 *     ({@code OPENAI_API_KEY} for {@code openai:}, none for plain URLs)
 * @param timeout the longest one request may take
 * @param maxInFlightPerEndpoint how many requests one endpoint takes at once
 * @param env reads environment variables; {@code System::getenv} outside tests
 */
public record ModelOptions(String apiKeyEnv, Duration timeout, int maxInFlightPerEndpoint, Function<String, String> env) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);

  public ModelOptions {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (maxInFlightPerEndpoint < 1) {
      throw new IllegalArgumentException("maxInFlightPerEndpoint must be at least 1, was " + maxInFlightPerEndpoint);
    }
    env = env == null ? System::getenv : env;
  }

  public static ModelOptions defaults() {
    return new ModelOptions(null, DEFAULT_TIMEOUT, 64, System::getenv);
  }

  public ModelOptions withApiKeyEnv(String name) {
    return new ModelOptions(name, timeout, maxInFlightPerEndpoint, env);
  }

  public ModelOptions withTimeout(Duration newTimeout) {
    return new ModelOptions(apiKeyEnv, newTimeout, maxInFlightPerEndpoint, env);
  }

  public ModelOptions withMaxInFlightPerEndpoint(int max) {
    return new ModelOptions(apiKeyEnv, timeout, max, env);
  }

  public ModelOptions withEnv(Function<String, String> newEnv) {
    return new ModelOptions(apiKeyEnv, timeout, maxInFlightPerEndpoint, newEnv);
  }
}
