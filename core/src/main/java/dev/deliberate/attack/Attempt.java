package dev.deliberate.attack;

/**
 * What one model-driven attack on one request came to.
 *
 * @param attacked the attacked text; the plain request when the attack failed
 * @param rounds attacker rounds used (1 for a single rewrite)
 * @param calls model calls the attack made (attacker, target and judge together)
 * @param failure why the attack failed (the attacker refused or wrote nothing usable), or null when it did not
 * @param answer the target's answer to {@code attacked} when the attack already asked it (PAIR), else null
 */
public record Attempt(String attacked, int rounds, int calls, String failure, String answer) {
  /** A one-call rewrite that worked. */
  public static Attempt rewritten(String attacked) {
    return new Attempt(attacked, 1, 1, null, null);
  }

  /** An attack that could not be made: the plain request stands in for it, marked failed. */
  public static Attempt failed(String request, int rounds, int calls, String failure) {
    return new Attempt(request, rounds, calls, failure, null);
  }

  public boolean failedAttack() {
    return failure != null;
  }
}
