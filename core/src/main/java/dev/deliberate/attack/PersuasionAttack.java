package dev.deliberate.attack;

import java.util.Map;
import java.util.Objects;

/**
 * The attacker rewrites the request as a persuasive message using one named technique (after Zeng et al., 2024,
 * "How Johnny Can Persuade LLMs to Jailbreak Them", whose taxonomy lists forty; we use five, each described in our
 * own words in {@link Attacks}).
 *
 * @param technique the short tag in the attack name, e.g. {@code authority} gives {@code persuasion-authority}
 * @param instruction what the technique does, as the attacker is told
 */
public record PersuasionAttack(String technique, String instruction) implements ModelAttack {
  public PersuasionAttack {
    Objects.requireNonNull(technique, "technique");
    Objects.requireNonNull(instruction, "instruction");
  }

  @Override
  public String name() {
    return "persuasion-" + technique;
  }

  @Override
  public String family() {
    return "persuasion";
  }

  @Override
  public String description() {
    return "The attacker rewrites the request persuasively: " + instruction;
  }

  @Override
  public String key() {
    return name() + "\n" + instruction + "\n" + AttackerInstructions.hash();
  }

  String instructions() {
    return AttackerInstructions.section("persuasion", Map.of("TECHNIQUE", instruction));
  }

  @Override
  public Attempt attack(String request, AttackModels models) {
    AttackerReply reply = AttackerReply.ask(models.attacker(), instructions(), request, true);
    return reply.ok() ? Attempt.rewritten(reply.text())
        : Attempt.failed(request, 1, 1, name() + ": " + reply.failure());
  }
}
