package dev.deliberate.app;

import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ModelOptions;
import dev.deliberate.model.ModelResolver;

/**
 * Glue between model strings on the command line and {@link ChatModel}s: {@code openai:MODEL} (key from
 * {@code OPENAI_API_KEY}) and {@code http(s)://HOST:PORT/v1#MODEL}. Commands with their own connection options
 * (API key variable, timeout) build {@link ModelOptions} themselves; the engine's {@code local:} and the
 * pipeline's {@code reference} schemes register on the same {@link ModelResolver} as they land.
 */
final class ModelStrings {
  private ModelStrings() {}

  static ChatModel resolve(String modelString) {
    return ModelResolver.standard().resolve(modelString, ModelOptions.defaults());
  }
}
