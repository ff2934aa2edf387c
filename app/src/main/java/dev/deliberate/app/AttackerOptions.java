package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.attack.Attacks;
import dev.deliberate.attack.PairAttack;
import picocli.CommandLine.Option;

/**
 * {@code --attacker} and {@code --pair-rounds}, the options of the model-driven attacks: the same in {@code eval}
 * and {@code data attack}, with one check of the rounds and one record of the attacker's instructions.
 */
final class AttackerOptions {
  @Option(names = "--attacker", paramLabel = "MODEL",
      description = "The model that writes the model-driven attacks (translation, persuasion, PAIR, payload"
          + " splitting, obfuscation); PAIR's judge is --grader.")
  String attacker;

  @Option(names = "--pair-rounds", paramLabel = "N",
      description = "Most attacker rounds of the pair attack (default: " + PairAttack.DEFAULT_ROUNDS + ").")
  Integer pairRounds;

  /** The attacks named by {@code --attacks}, with {@code --pair-rounds} applied when given. */
  Attacks.Selection select(String attacks) {
    Attacks.Selection chosen = Attacks.select(attacks);
    if (pairRounds == null) {
      return chosen;
    }
    if (pairRounds < 1) {
      throw new BadInputException("--pair-rounds must be at least 1, was " + pairRounds);
    }
    return chosen.withPairRounds(pairRounds);
  }

  /** Model-driven attacks among {@code chosen} need {@code --attacker}. */
  void requireAttacker(Attacks.Selection chosen) {
    chosen.requireAttacker(attacker, "--attacker MODEL");
  }
}
