package dev.deliberate.attack;

import java.util.Map;
import java.util.Objects;

/**
 * Translates the request into another (often low-resource) language with the attacker model; safety training in
 * English may not carry over (Yong et al., 2023, "Low-Resource Languages Jailbreak GPT-4"). The target's answer is
 * translated back into English by the same model before grading ({@link #read}). The multilingual evaluation uses
 * this same attack with the translator as its model.
 *
 * @param languageCode a short tag used in the attack name, e.g. {@code zu} gives {@code translation-zu}
 * @param languageName the language as named in the instruction to the attacker, e.g. {@code Zulu}
 */
public record TranslationAttack(String languageCode, String languageName) implements ModelAttack {
  public TranslationAttack {
    Objects.requireNonNull(languageCode, "languageCode");
    Objects.requireNonNull(languageName, "languageName");
    if (!languageCode.matches("[a-z]{2,3}(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException("language code must look like 'zu' or 'pt-br', was '" + languageCode + "'");
    }
  }

  @Override
  public String name() {
    return "translation-" + languageCode;
  }

  @Override
  public String family() {
    return "translation";
  }

  @Override
  public String description() {
    return "The request translated into " + languageName + " by the attacker model; the answer translated back.";
  }

  /** Our instruction to translate into the language. */
  public String toLanguage() {
    return AttackerInstructions.section("translate", Map.of("LANGUAGE", languageName));
  }

  /** Our instruction to translate from the language back into English. */
  public String fromLanguage() {
    return AttackerInstructions.section("back-translate", Map.of("LANGUAGE", languageName));
  }

  @Override
  public Attempt attack(String request, AttackModels models) {
    AttackerReply reply = AttackerReply.ask(models.attacker(), toLanguage(), request, true);
    return reply.ok() ? Attempt.rewritten(reply.text())
        : Attempt.failed(request, 1, 1, name() + ": " + reply.failure());
  }

  /** The answer in English; an empty back-translation leaves the answer as it was (graded as written). */
  @Override
  public Reading read(String answer, AttackModels models) {
    if (answer.isBlank()) {
      return new Reading(answer, 0);
    }
    AttackerReply reply = AttackerReply.ask(models.attacker(), fromLanguage(), answer, false);
    return new Reading(reply.ok() ? reply.text() : answer, 1);
  }
}
