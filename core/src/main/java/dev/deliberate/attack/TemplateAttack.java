package dev.deliberate.attack;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An attack defined by a pure function from the request to the attacked text. Every built-in attack is one of
 * these; {@link #chain} builds the combinations.
 */
public record TemplateAttack(String name, String family, String description, UnaryOperator<String> transform)
    implements Attack {
  public TemplateAttack {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(transform, "transform");
  }

  /** An attack filling one {@code %s} in the template with the request. */
  public static TemplateAttack wrap(String name, String family, String description, String template) {
    return new TemplateAttack(name, family, description, request -> template.formatted(request));
  }

  /**
   * A combination of the family {@code combination}: the parts applied in order, each to the previous one's
   * output, so the first part is innermost (for example an encoding first, then the instructions around it).
   * Its name joins the parts' names with {@code +}, innermost first, so that holding out one attack by name
   * (as {@code data split --holdout-attacks} does) also holds out every combination that contains it.
   */
  public static TemplateAttack chain(String description, List<Attack> parts) {
    List<Attack> steps = List.copyOf(parts);
    if (steps.size() < 2) {
      throw new IllegalArgumentException("a combination needs at least two parts");
    }
    String name = String.join("+", steps.stream().map(Attack::name).toList());
    return new TemplateAttack(name, "combination", description, request -> {
      String text = request;
      for (Attack step : steps) {
        text = step.apply(text);
      }
      return text;
    });
  }

  @Override
  public String apply(String request) {
    return transform.apply(request);
  }
}
