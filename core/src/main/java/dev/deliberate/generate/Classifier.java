package dev.deliberate.generate;

import dev.deliberate.data.Prompt;
import java.util.Optional;

/** Gives a prompt without a category one of the spec's category anchors. */
public interface Classifier {
  String id();

  /**
   * Everything besides the prompt that decides the answer (model, options, instructions, spec), so that a
   * classification is reused only while it is unchanged.
   */
  String settings();

  /**
   * The category anchor, or empty when the prompt carries nothing to decide it by (it is then counted as
   * unclassified). A model reply that names no category throws {@link dev.deliberate.run.UnusableReply}.
   */
  Optional<String> classify(Prompt prompt);
}
