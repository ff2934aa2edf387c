package dev.deliberate.attack;

import dev.deliberate.data.Prompt;
import java.util.HashMap;
import java.util.Map;

/**
 * A deterministic jailbreak attack: the same request always gives the same attacked text. Implementations add only
 * their own fixed template around (or an encoding of) the request, never content of their own.
 */
public interface Attack {
  /** The metadata key under which an attacked prompt records the attack's family. */
  String FAMILY_KEY = "attack_family";

  /**
   * The stable name used on the command line and in {@code Prompt.attack}, e.g. {@code base64-input}; a combination
   * joins its parts' names with {@code +}, e.g. {@code base64-input+refusal-suppression}.
   */
  String name();

  /** The family used to hold attacks out of training together, e.g. {@code encoding}, {@code roleplay}. */
  String family();

  /** One line for {@code deliberate data attacks --list}. */
  String description();

  /** The attacked text for a plain request. */
  String apply(String request);

  /**
   * The prompt with its request replaced by the attacked text. The attack always starts from the plain request
   * ({@link Prompt#request()}), so attacking an attacked prompt does not stack attacks.
   */
  default Prompt apply(Prompt prompt) {
    return tag(prompt.attacked(name(), apply(prompt.request())), family());
  }

  /** The prompt with {@code attack_family} added to its metadata; the id does not depend on metadata. */
  static Prompt tag(Prompt attacked, String family) {
    Map<String, Object> metadata = new HashMap<>(attacked.metadata());
    metadata.put(FAMILY_KEY, family);
    return new Prompt(
        attacked.id(),
        attacked.messages(),
        attacked.category(),
        attacked.expected(),
        attacked.source(),
        attacked.attack(),
        attacked.originalRequest(),
        metadata);
  }
}
