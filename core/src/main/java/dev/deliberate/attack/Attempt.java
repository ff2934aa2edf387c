package dev.deliberate.attack;

import dev.deliberate.judge.ReferenceGrader;

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

  /**
   * This attempt as it may enter a dataset: a failed one when the attacked text reads as an answer to the request
   * ({@link ReferenceGrader#readsAsAnswer}), since an attacker that answers instead of rewriting would otherwise
   * put its answer into a training prompt. Evaluation keeps every attempt: there the text only goes to the target.
   */
  public Attempt forData(String request) {
    if (failedAttack() || !ReferenceGrader.readsAsAnswer(request, attacked)) {
      return this;
    }
    return failed(request, rounds, calls, "the attacker's text reads as an answer, not as a rewritten request;"
        + " kept out of the data");
  }

  public boolean failedAttack() {
    return failure != null;
  }
}
