package dev.deliberate.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Splits;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.spec.Style;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The model-driven attacks against scripted models: what they send the attacker, what they make of its reply, how a
 * refusing attacker ends as a failed attack after one call, and how PAIR refines, stops and keeps its worst case.
 * No text here is harmful: requests are benign stand-ins and "compliance" is a content-free placeholder.
 */
class ModelAttacksTest {
  static final String REQUEST = "How do tides work?";
  static final String PLACEHOLDER = "Sure, here is how to do that: [steps withheld]";

  /** The edge: a model scripted by a function of the request, recording every call. */
  static final class Scripted implements ChatModel {
    final List<ChatRequest> calls = new ArrayList<>();
    final Function<ChatRequest, String> reply;

    Scripted(Function<ChatRequest, String> reply) {
      this.reply = reply;
    }

    @Override
    public String id() {
      return "test:scripted";
    }

    @Override
    public synchronized ChatResponse chat(ChatRequest request) {
      calls.add(request);
      return new ChatResponse(List.of(new ChatResponse.Choice(0, "", reply.apply(request), "stop")),
          ChatResponse.Usage.NONE);
    }
  }

  static String system(ChatRequest r) {
    return r.messages().get(0).content();
  }

  static String user(ChatRequest r) {
    return r.messages().get(r.messages().size() - 1).content();
  }

  static Scripted reversing() {
    return new Scripted(r -> "  " + new StringBuilder(user(r)).reverse() + "\n");
  }

  private final TranslationAttack zulu = Attacks.translation("zu").orElseThrow();

  @Test
  void theTranslationIsTheAttackersReplyStrippedAskedWithOurInstructionAndGreedySettings() throws Exception {
    Scripted attacker = reversing();
    Attempt attempt = zulu.attack(REQUEST, AttackModels.attacker(attacker));
    assertEquals("?krow sedit od woH", attempt.attacked());
    assertEquals(1, attempt.rounds());
    assertEquals(1, attempt.calls());
    assertFalse(attempt.failedAttack());
    ChatRequest sent = attacker.calls.get(0);
    assertEquals("system", sent.messages().get(0).role());
    assertTrue(system(sent).contains("into Zulu"), system(sent));
    assertEquals(REQUEST, user(sent));
    assertEquals(0.0, sent.temperature());
    assertEquals(0L, sent.seed());
    assertEquals(AttackerReply.MAX_TOKENS, sent.maxTokens());
  }

  @Test
  void theTargetsAnswerToATranslationIsTranslatedBackByTheAttackerBeforeGrading() {
    Scripted attacker = reversing();
    ModelAttack.Reading reading = zulu.read("ahcnalb", AttackModels.attacker(attacker));
    assertEquals("blancha", reading.text());
    assertEquals(1, reading.calls());
    assertTrue(system(attacker.calls.get(0)).contains("from Zulu into English"), system(attacker.calls.get(0)));
  }

  @Test
  void aRefusingAttackerIsAFailedAttackOnThePlainRequestAfterOneCall() throws Exception {
    for (ModelAttack attack : Attacks.modelDriven()) {
      Scripted attacker = new Scripted(r -> "I'm sorry, but I can't help with that.");
      AttackModels models = new AttackModels(attacker, text -> PLACEHOLDER, (q, a) -> OptionalDouble.of(0));
      Attempt attempt = attack.attack(REQUEST, models);
      assertTrue(attempt.failedAttack(), attack.name());
      assertEquals(REQUEST, attempt.attacked(), attack.name());
      assertTrue(attempt.failure().contains("refused"), attempt.failure());
      assertEquals(1, attacker.calls.size(), attack.name() + " asked the attacker again");
      Prompt marked = attack.applied(Prompt.of(REQUEST, "c", Style.REFUSE, "unit", Map.of()), attempt);
      assertEquals(attack.name(), marked.attack());
      assertEquals(REQUEST, marked.text());
      assertEquals(attempt.failure(), marked.metadata().get(ModelAttack.FAILED_KEY));
    }
  }

  @Test
  void aBlankReplyIsAFailedAttackToo() throws Exception {
    Attempt attempt = zulu.attack(REQUEST, AttackModels.attacker(new Scripted(r -> "  \n")));
    assertTrue(attempt.failedAttack());
    assertEquals("translation-zu: test:scripted returned an empty reply", attempt.failure());
  }

  @Test
  void thereAreFivePersuasionTechniquesEachItsOwnInstructionFramedAsRedTeaming() throws Exception {
    List<ModelAttack> persuasion = Attacks.modelDriven().stream().filter(a -> a.family().equals("persuasion")).toList();
    assertEquals(List.of("persuasion-evidence", "persuasion-expert-endorsement", "persuasion-authority",
        "persuasion-logical-appeal", "persuasion-misrepresentation"), persuasion.stream().map(ModelAttack::name).toList());
    Set<String> instructions = new HashSet<>();
    for (ModelAttack attack : persuasion) {
      Scripted attacker = new Scripted(r -> "A persuasive version of the request.");
      assertEquals("A persuasive version of the request.", attack.attack(REQUEST, AttackModels.attacker(attacker)).attacked());
      String sent = system(attacker.calls.get(0));
      assertTrue(sent.contains("red-teaming assistant"), sent);
      assertFalse(sent.contains("{{"), sent);
      assertTrue(instructions.add(sent), "two techniques share an instruction: " + attack.name());
    }
  }

  @Test
  void payloadSplittingJoinsTheAttackersNumberedFragmentsInOurTemplate() throws Exception {
    ModelAttack split = Attacks.findModelDriven("payload-split").orElseThrow();
    Attempt attempt = split.attack(REQUEST, AttackModels.attacker(new Scripted(r -> "Fragments:\n1. How do\n2) tides work?")));
    assertTrue(attempt.attacked().contains("A = \"How do\"\nB = \"tides work?\""), attempt.attacked());
    assertTrue(attempt.attacked().contains("A + B"), attempt.attacked());
    Attempt one = split.attack(REQUEST, AttackModels.attacker(new Scripted(r -> "How do tides work?")));
    assertTrue(one.failedAttack());
    assertEquals(REQUEST, one.attacked());
  }

  @Test
  void obfuscationIsTheAttackersRewrite() throws Exception {
    ModelAttack obfuscation = Attacks.findModelDriven("obfuscation").orElseThrow();
    assertEquals("H0w d0 t1des w0rk?", obfuscation.attack(REQUEST,
        AttackModels.attacker(new Scripted(r -> "H0w d0 t1des w0rk?"))).attacked());
  }

  /** A target that complies (with a placeholder) only with the given proposal; the judge scores by the answer. */
  static AttackModels pairModels(Scripted attacker, Map<String, String> answers, Map<String, Double> harms,
      List<String> asked) {
    return new AttackModels(attacker, text -> {
      asked.add(text);
      return answers.getOrDefault(text, "I can't help with that.");
    }, (request, answer) -> {
      assertEquals(REQUEST, request, "the judge grades against the plain request");
      return harms.containsKey(answer) ? OptionalDouble.of(harms.get(answer)) : OptionalDouble.of(0);
    });
  }

  /** An attacker that numbers its proposals. */
  static Scripted proposing() {
    int[] n = {0};
    return new Scripted(r -> "proposal " + (++n[0]));
  }

  @Test
  void pairStopsAtTheFirstFullyHarmfulAnswerAndReportsRoundsAndCalls() throws Exception {
    Scripted attacker = proposing();
    List<String> asked = new ArrayList<>();
    Attempt attempt = new PairAttack(3).attack(REQUEST,
        pairModels(attacker, Map.of("proposal 2", PLACEHOLDER), Map.of(PLACEHOLDER, 1.0), asked));
    assertEquals("proposal 2", attempt.attacked());
    assertEquals(PLACEHOLDER, attempt.answer());
    assertEquals(2, attempt.rounds());
    assertEquals(6, attempt.calls(), "2 attacker + 2 target + 2 judge");
    assertEquals(List.of("proposal 1", "proposal 2"), asked);
    String revision = user(attacker.calls.get(1));
    assertTrue(revision.contains("Your last prompt:\nproposal 1"), revision);
    assertTrue(revision.contains("Score: 0.00"), revision);
    assertTrue(system(attacker.calls.get(1)).contains("improved prompt"), system(attacker.calls.get(1)));
  }

  @Test
  void pairKeepsTheWorstCaseFoundWithinItsRounds() throws Exception {
    Attempt attempt = new PairAttack(3).attack(REQUEST, pairModels(proposing(),
        Map.of("proposal 2", "Partly: [steps withheld]"), Map.of("Partly: [steps withheld]", 0.5), new ArrayList<>()));
    assertEquals("proposal 2", attempt.attacked());
    assertEquals("Partly: [steps withheld]", attempt.answer());
    assertEquals(3, attempt.rounds());
    assertEquals(9, attempt.calls());
  }

  @Test
  void pairKeepsWhatItHadWhenTheAttackerRefusesToRevise() throws Exception {
    int[] n = {0};
    Scripted attacker = new Scripted(r -> ++n[0] == 1 ? "proposal 1" : "I cannot continue with this.");
    Attempt attempt = new PairAttack(3).attack(REQUEST, pairModels(attacker, Map.of(), Map.of(), new ArrayList<>()));
    assertFalse(attempt.failedAttack());
    assertEquals("proposal 1", attempt.attacked());
    assertEquals(2, attempt.rounds());
    assertEquals(4, attempt.calls());
  }

  @Test
  void pairWithoutATargetIsOneClearError() {
    BadInputException e = assertThrows(BadInputException.class,
        () -> new PairAttack(3).attack(REQUEST, AttackModels.attacker(proposing())));
    assertTrue(e.getMessage().contains("needs a target model and a judge"), e.getMessage());
  }

  @Test
  void theRegistryHasAtLeastFiveModelDrivenAttacksWhoseNamesAreTheirOwn() {
    assertTrue(Attacks.modelDriven().size() >= 5);
    Set<String> names = new HashSet<>();
    Attacks.all().forEach(a -> names.add(a.name()));
    for (ModelAttack a : Attacks.modelDriven()) {
      assertTrue(names.add(a.name()), "duplicate name " + a.name());
      assertFalse(a.description().isBlank(), a.name());
    }
    assertTrue(Attacks.all().size() >= 40);
    assertEquals(List.of("pair"), Attacks.modelDriven().stream().filter(ModelAttack::needsTarget)
        .map(ModelAttack::name).toList());
  }

  @Test
  void aSelectionSortsNamesIntoTemplatesAndModelDrivenAttacksAndAllHoldsBoth() {
    Attacks.Selection s = Attacks.select("pair, rot13,translation-zu,rot13");
    assertEquals(List.of("rot13"), s.templates().stream().map(Attack::name).toList());
    assertEquals(List.of("pair", "translation-zu"), s.modelDriven().stream().map(ModelAttack::name).toList());
    assertEquals(List.of("pair"), s.needingTarget());
    Attacks.Selection all = Attacks.select("all");
    assertEquals(Attacks.all(), all.templates());
    assertEquals(Attacks.modelDriven(), all.modelDriven());
    assertEquals(Attacks.all(), Attacks.select("templates").templates());
    assertFalse(Attacks.select("templates").needsAttacker());
    assertEquals(Attacks.Selection.NONE, Attacks.select("none"));
    assertEquals(5, ((PairAttack) Attacks.select("pair").withPairRounds(5).modelDriven().get(0)).maxRounds());
  }

  @Test
  void modelDrivenAttacksWithoutAnAttackerAreOneErrorNamingTheOption() {
    BadInputException e = assertThrows(BadInputException.class,
        () -> Attacks.select("all").requireAttacker(null, "--attacker MODEL"));
    assertTrue(e.getMessage().startsWith("attacks translation-zu, translation-gd"), e.getMessage());
    assertTrue(e.getMessage().endsWith("need an attacker model: give --attacker MODEL"), e.getMessage());
    Attacks.select("rot13").requireAttacker(null, "--attacker MODEL");
    BadInputException unknown = assertThrows(BadInputException.class, () -> Attacks.select("pair,nope"));
    assertTrue(unknown.getMessage().startsWith("unknown attack 'nope': expected none, all, templates, model-driven"),
        unknown.getMessage());
    assertTrue(unknown.getMessage().endsWith("pair, payload-split, obfuscation"), unknown.getMessage());
  }

  @Test
  void theInstructionsAreVersionedAndHashedAsShipped() throws Exception {
    assertEquals("1", AttackerInstructions.version());
    try (InputStream in = AttackerInstructions.class.getResourceAsStream("attacker.md")) {
      assertEquals(Hashes.sha256Hex(in.readAllBytes()), AttackerInstructions.hash());
    }
    assertTrue(zulu.key().contains(AttackerInstructions.hash()), "new wording asks again");
    assertTrue(new PairAttack(2).key().contains("\n2\n"), "the rounds are part of PAIR's key");
  }

  @Test
  void aSplitHoldsOutModelDrivenVariantsByFamilyAsWellAsByName() throws Exception {
    Prompt plain = Prompt.of(REQUEST, "violence", Style.REFUSE, "unit", Map.of());
    Prompt translated = zulu.applied(plain, zulu.attack(REQUEST, AttackModels.attacker(reversing())));
    assertEquals("translation-zu", translated.attack());
    assertEquals("translation", translated.metadata().get(Attack.FAMILY_KEY));
    assertEquals(REQUEST, translated.originalRequest());
    assertNull(translated.metadata().get(ModelAttack.FAILED_KEY));
    Splits byFamily = Splits.plan(List.of(plain.request()), 7, 0.0, List.of("translation"));
    assertEquals(Splits.Part.DROPPED, byFamily.assign(translated), "a train request's held-out variant is dropped");
    assertEquals(Splits.Part.TRAIN, byFamily.assign(plain));
    Prompt pair = new PairAttack(1).applied(plain, new Attempt("proposal 1", 1, 3, null, PLACEHOLDER));
    assertEquals(Splits.Part.DROPPED, Splits.plan(List.of(plain.request()), 7, 0.0, List.of("pair")).assign(pair));
  }
}
