package dev.deliberate.app;

import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ModelOptions;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.pipeline.StageModels;

/**
 * The one place the command line turns model strings into {@link ChatModel}s: {@code openai:MODEL},
 * {@code http(s)://HOST:PORT/v1#MODEL} (several base URLs comma-separated), {@code reference} (the offline
 * rule-based generator) and {@code local:DIR} (a model directory on the local engine).
 */
final class ModelStrings {
  private ModelStrings() {}

  /** Every scheme the command line knows. */
  static ModelResolver resolver() {
    return StageModels.defaultResolver();
  }

  static ChatModel resolve(String modelString) {
    return resolver().resolve(modelString, ModelOptions.defaults());
  }
}
