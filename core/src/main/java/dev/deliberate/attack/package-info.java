/**
 * Jailbreak attacks: rewrites of a request that try to get a model to answer what its spec says to refuse. Each
 * {@link dev.deliberate.attack.Attack} wraps or encodes the request with a template of our own words and adds no
 * content of its own. A {@link dev.deliberate.attack.ModelAttack} has an attacker model write the attacked text
 * (translation with the answer translated back, persuasion, PAIR refinement against a target and a judge, payload
 * splitting, obfuscation), following our instructions in {@code attacker.md}, versioned and hashed into the
 * manifest ({@link dev.deliberate.attack.AttackerInstructions}); it reports an {@link dev.deliberate.attack.Attempt}
 * (rounds, calls, or why it failed: a refusing attacker is a failed attack, never retried). An attacked prompt keeps
 * the attack name, its family (metadata {@code attack_family}) and the plain request ({@code original_request}).
 * {@link dev.deliberate.attack.Attacks} is the registry of both kinds and parses selections of them, grouped into
 * families that splits hold out together; {@link dev.deliberate.attack.Encodings} holds the reversible encodings.
 */
package dev.deliberate.attack;
