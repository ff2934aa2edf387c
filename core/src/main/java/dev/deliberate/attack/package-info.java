/**
 * Jailbreak attacks: deterministic rewrites of a request that try to get a model to answer what its spec says to
 * refuse. Each {@link dev.deliberate.attack.Attack} wraps or encodes the request with a template of our own words
 * and adds no content of its own; an attacked prompt keeps the attack name, its family (metadata
 * {@code attack_family}) and the plain request ({@code original_request}). {@link dev.deliberate.attack.Attacks}
 * is the registry of both kinds, grouped into families that splits hold out together;
 * {@link dev.deliberate.attack.Encodings} holds the reversible encodings; {@link dev.deliberate.attack.ModelAttack}
 * is the seam for attacks that need an attacker model, such as {@link dev.deliberate.attack.TranslationAttack}.
 */
package dev.deliberate.attack;
