package dev.deliberate.app;

import dev.deliberate.run.ModelSettings;
import dev.deliberate.pipeline.PipelineConfig;
import picocli.CommandLine.Option;

/** How to call a model, whichever model it is: shared by every model-calling command, eval included. */
final class ModelCallOptions {
  @Option(names = "--api-key-env", paramLabel = "VAR",
      description = "Environment variable holding the API key (default: OPENAI_API_KEY for openai:, none for URLs).")
  String apiKeyEnv;

  @Option(names = "--concurrency", defaultValue = "8", paramLabel = "C",
      description = "Records in flight at once: parallel requests to an endpoint, the batch of a local model (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS", description = "Longest one request may take (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(names = "--max-retries", defaultValue = "5", paramLabel = "N", description = "Retries of one request after the first try (default: ${DEFAULT-VALUE}).")
  int maxRetries;

  ModelSettings settings(String model) {
    return settings(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries);
  }

  /**
   * The settings of one model from these options' values, for a command that declares them itself ({@code serve}
   * words its {@code --concurrency} its own way); a bad value is named as its command-line option.
   */
  static ModelSettings settings(String model, String apiKeyEnv, int concurrency, double timeoutSeconds,
      int maxRetries) {
    try {
      return ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, concurrency);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCode.BAD_INPUT, "--" + e.getMessage().replace("timeout_seconds", "timeout").replace('_', '-'));
    }
  }
}
