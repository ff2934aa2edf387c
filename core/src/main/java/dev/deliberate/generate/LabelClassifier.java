package dev.deliberate.generate;

import dev.deliberate.data.Prompt;
import dev.deliberate.spec.Category;
import dev.deliberate.spec.Spec;
import java.util.Locale;
import java.util.Optional;

/**
 * The reference classifier (model string {@code reference}): uses the labels the prompt already carries. The
 * category field wins when it names a spec anchor; otherwise any metadata value that equals an anchor or a
 * category title (ignoring case) is taken; otherwise the prompt stays unclassified. It never guesses from the text.
 */
public final class LabelClassifier implements Classifier {
  private final Spec spec;

  public LabelClassifier(Spec spec) {
    this.spec = spec;
  }

  @Override
  public String id() {
    return "reference";
  }

  @Override
  public String settings() {
    return id() + " " + spec.hash();
  }

  @Override
  public Optional<String> classify(Prompt prompt) {
    if (prompt.category() != null && spec.findCategory(prompt.category()).isPresent()) {
      return Optional.of(prompt.category());
    }
    for (Object value : prompt.metadata().values()) {
      String label = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
      for (Category category : spec.categories()) {
        if (category.anchor().equals(label) || category.title().toLowerCase(Locale.ROOT).equals(label)) {
          return Optional.of(category.anchor());
        }
      }
    }
    return Optional.empty();
  }
}
