package dev.deliberate.app;

import dev.deliberate.run.ModelSettings;
import dev.deliberate.pipeline.PipelineConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every model-calling stage command shares: which model, and how to call it. */
final class ModelMixin {
  @Option(names = "--model", required = true, paramLabel = "MODEL",
      description = "Model string: reference (offline, rule-based), openai:NAME, http(s)://HOST:PORT/v1#NAME or local:DIR.")
  String model;

  @Mixin ModelCallOptions call;

  int concurrency() {
    return call.concurrency;
  }

  ModelSettings settings() {
    return call.settings(model);
  }
}
