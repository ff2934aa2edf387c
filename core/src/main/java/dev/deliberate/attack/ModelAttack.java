package dev.deliberate.attack;

import dev.deliberate.data.Prompt;
import java.util.HashMap;
import java.util.Map;

/**
 * An attack that needs an attacker model to write the attacked text: translation, persuasive paraphrase, payload
 * splitting, an obfuscating rewrite, or PAIR-style refinement (the attacker rewrites again and again, reading the
 * target's answers and a judge's scores). Its output depends on the models, so it is repeatable only as far as they
 * are: every call asks for temperature 0 and a fixed seed, and the caller passes models built by the run's model
 * factory, so a rerun is answered from the response cache and no call is paid twice.
 *
 * <p>Attacked prompts carry the same fields as those of an {@link Attack} ({@code attack} = {@link #name()},
 * metadata {@code attack_family} = {@link #family()}, {@code original_request}); a failed attack (the attacker
 * refused or wrote nothing usable) is the plain request under the attack's name with metadata
 * {@code attack_failed} giving the reason, so it is counted, not lost and not retried forever.
 */
public interface ModelAttack {
  /** Metadata key of a failed attack's reason. */
  String FAILED_KEY = "attack_failed";

  String name();

  String family();

  String description();

  /** Whether the attack asks the target and a judge itself (PAIR); others need only the attacker. */
  default boolean needsTarget() {
    return false;
  }

  /**
   * Everything the attack's output depends on besides its models' ids: its name, settings and the hash of our
   * instructions; an answer made under the same key is reused.
   */
  default String key() {
    return name() + "\n" + AttackerInstructions.hash();
  }

  /** Attacks one plain request; a failed model call throws, an unusable attacker reply is a failed attempt. */
  Attempt attack(String request, AttackModels models) throws Exception;

  /**
   * The target's answer as a grader should read it: the answer itself, or for a translation attack its English
   * rendering by the attacker. Throws when a call fails.
   */
  default Reading read(String answer, AttackModels models) {
    return new Reading(answer, 0);
  }

  /** An answer as graders read it, and the model calls that reading took. */
  record Reading(String text, int calls) {}

  /** The prompt attacked by {@code attempt}: the attacked text, the attack's name and family, a failure marked. */
  default Prompt applied(Prompt plain, Attempt attempt) {
    Prompt attacked = Attack.tag(plain.attacked(name(), attempt.attacked()), family());
    if (!attempt.failedAttack()) {
      return attacked;
    }
    Map<String, Object> metadata = new HashMap<>(attacked.metadata());
    metadata.put(FAILED_KEY, attempt.failure());
    return new Prompt(attacked.id(), attacked.messages(), attacked.category(), attacked.expected(), attacked.source(),
        attacked.attack(), attacked.originalRequest(), metadata);
  }
}
