package dev.deliberate.generate;

import dev.deliberate.data.Prompt;
import java.util.Optional;

/** Gives a prompt without a category one of the spec's category anchors. */
public interface Classifier {
  String id();

  /** The category anchor, or empty when none could be decided (the prompt is then counted as unclassified). */
  Optional<String> classify(Prompt prompt);
}
