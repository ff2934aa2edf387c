package dev.deliberate.app;

import dev.deliberate.generate.ReferenceGenerator;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.sampling.LocalChatModel;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ModelOptions;
import dev.deliberate.model.ModelResolver;

/**
 * The one place the command line turns model strings into {@link ChatModel}s: {@code openai:MODEL},
 * {@code http(s)://HOST:PORT/v1#MODEL} (several base URLs comma-separated), {@code reference} (the offline
 * rule-based generator) and {@code local:DIR} (a model directory on the local engine).
 */
final class ModelStrings {
  private ModelStrings() {}

  /** Every scheme the command line knows. */
  static ModelResolver resolver() {
    return ReferenceGenerator.resolver().register("local:", ModelStrings::local);
  }

  /** {@code local:DIR} loads a model directory; {@code local:tiny} is the built-in tiny model (built on first use). */
  private static ChatModel local(String modelString, ModelOptions options) {
    String name = modelString.substring("local:".length());
    if (name.isBlank()) {
      throw new dev.deliberate.BadInputException("model '" + modelString + "': expected local:DIR or local:tiny");
    }
    try {
      return LocalChatModel.open(ModelDirs.resolve(name, line -> System.err.println(line)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
