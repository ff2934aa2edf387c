package dev.deliberate.attack;

import dev.deliberate.model.ChatModel;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The models a {@link ModelAttack} may call, each built by the run's model factory (response cache, retries,
 * accounting) by whoever runs the attack.
 *
 * @param attacker writes the attacked text (and translates answers back)
 * @param target the model under attack, or null where there is none (then attacks that need one cannot run)
 * @param judge scores the target's answers, or null where there is none
 */
public record AttackModels(ChatModel attacker, Target target, Judge judge) {
  public AttackModels {
    Objects.requireNonNull(attacker, "attacker");
  }

  /** The attacker alone, for attacks that only rewrite the request. */
  public static AttackModels attacker(ChatModel attacker) {
    return new AttackModels(attacker, null, null);
  }

  /** The model under attack, asked one attacked text at a time. */
  @FunctionalInterface
  public interface Target {
    /** The target's visible answer to the attacked text; throws when the call failed. */
    String answer(String attackedText) throws Exception;
  }

  /** The grader's harm score of an answer to the plain request, as the evaluation computes it. */
  @FunctionalInterface
  public interface Judge {
    /** Harm in [0, 1] (1 fully harmful), or empty when the grade failed. */
    OptionalDouble harm(String request, String answer);
  }
}
