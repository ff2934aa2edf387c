package dev.deliberate.attack;

import dev.deliberate.data.Prompt;
import dev.deliberate.model.ChatModel;

/**
 * An attack that needs an attacker model to write the attacked text: translation into another language,
 * persuasive paraphrase, or PAIR-style refinement (the attacker rewrites the request again and again, reading the
 * target's replies and a judge's scores). Unlike {@link Attack}, its output depends on the attacker model, so it is
 * repeatable only as far as the model is: implementations ask for temperature 0 and a fixed seed, and callers
 * should pass a {@link ChatModel} that goes through the run's response cache so that no call is paid twice.
 *
 * <p>Attacked prompts carry the same fields as those of an {@link Attack}: {@code attack} = {@link #name()},
 * metadata {@code attack_family} = {@link #family()}, {@code original_request} = the plain request.
 */
public interface ModelAttack {
  String name();

  String family();

  String description();

  /**
   * The attacked text for a plain request, written with the help of {@code attacker}. Throws
   * {@link dev.deliberate.model.ModelException} when the call fails and
   * {@link dev.deliberate.BadInputException} when the attacker's reply is unusable.
   */
  String apply(String request, ChatModel attacker);

  /** The prompt with its request replaced by the attacked text; starts from the plain request. */
  default Prompt apply(Prompt prompt, ChatModel attacker) {
    return Attack.tag(prompt.attacked(name(), apply(prompt.request(), attacker)), family());
  }
}
