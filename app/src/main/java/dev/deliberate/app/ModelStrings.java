package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.model.ChatModel;

/**
 * Glue between model strings on the command line and {@link ChatModel}s. The model resolver of the models issue
 * replaces the body of {@link #resolve} when it lands; until then only the built-in names work.
 */
final class ModelStrings {
  private ModelStrings() {}

  static ChatModel resolve(String modelString) {
    throw new BadInputException("model '" + modelString
        + "': model strings are not wired in this build yet; use string-match, reference, or --answers FILE");
  }
}
