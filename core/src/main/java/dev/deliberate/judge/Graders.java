package dev.deliberate.judge;

import dev.deliberate.model.ChatModel;
import java.util.function.Function;

/** Graders by their command-line name: {@code string-match}, {@code reference}, or a model string. */
public final class Graders {
  private Graders() {}

  /** Whether {@code name} is one of the built-in graders, which call no model. */
  public static boolean isBuiltin(String name) {
    return name.equals(StringMatchGrader.ID) || name.equals(ReferenceGrader.ID);
  }

  /**
   * The grader called {@code name}; any name other than the two built-in ones is a model string, turned into a
   * {@link ChatModel} by {@code models} (the model resolver) and wrapped in a {@link ModelGrader}.
   */
  public static Grader named(String name, Function<String, ChatModel> models) {
    return switch (name) {
      case StringMatchGrader.ID -> new StringMatchGrader();
      case ReferenceGrader.ID -> new ReferenceGrader();
      default -> new ModelGrader(models.apply(name));
    };
  }
}
