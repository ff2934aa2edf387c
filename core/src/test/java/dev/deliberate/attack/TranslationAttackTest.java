package dev.deliberate.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Splits;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.spec.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TranslationAttackTest {
  private final TranslationAttack zulu = new TranslationAttack("zu", "Zulu");

  /** The edge of the system: an attacker model that "translates" by reversing the text, and records its calls. */
  static final class ReversingModel implements ChatModel {
    final List<ChatRequest> calls = new ArrayList<>();
    final String reply;

    ReversingModel(String fixedReply) {
      this.reply = fixedReply;
    }

    @Override
    public String id() {
      return "test:reverse";
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
      calls.add(request);
      String text = request.messages().get(request.messages().size() - 1).content();
      String content = reply != null ? reply : "  " + new StringBuilder(text).reverse() + "\n";
      return new ChatResponse(
          List.of(new ChatResponse.Choice(0, "", content, "stop")), ChatResponse.Usage.NONE);
    }
  }

  @Test
  void theAttackedTextIsTheAttackersReplyStripped() {
    assertEquals("?krow sedit od woH", zulu.apply("How do tides work?", new ReversingModel(null)));
  }

  @Test
  void theAttackerGetsOurFixedInstructionTheRequestAloneAndGreedySettings() {
    ReversingModel model = new ReversingModel(null);
    zulu.apply("How do tides work?", model);
    ChatRequest sent = model.calls.get(0);
    assertEquals("system", sent.messages().get(0).role());
    assertTrue(sent.messages().get(0).content().contains("into Zulu"));
    assertEquals("How do tides work?", sent.messages().get(1).content());
    assertEquals(0.0, sent.temperature());
    assertEquals(0L, sent.seed());
    assertEquals(sent, zulu.request("How do tides work?"), "the request is exposed for logging and caching");
  }

  @Test
  void anAttackedPromptCarriesNameFamilyAndTheOriginalRequest() {
    Prompt plain = Prompt.of("How do tides work?", "violence", Style.REFUSE, "unit", Map.of());
    Prompt attacked = zulu.apply(plain, new ReversingModel(null));
    assertEquals("translation-zu", attacked.attack());
    assertEquals("translation", attacked.metadata().get(Attack.FAMILY_KEY));
    assertEquals("How do tides work?", attacked.originalRequest());
    assertEquals("?krow sedit od woH", attacked.text());
    assertEquals(attacked, zulu.apply(plain, new ReversingModel(null)));
  }

  @Test
  void aSplitHoldsOutTranslatedPromptsByFamilyAsWellAsByName() {
    Prompt plain = Prompt.of("How do tides work?", "violence", Style.REFUSE, "unit", Map.of());
    Prompt translated = zulu.apply(plain, new ReversingModel(null));
    Splits byFamily = Splits.plan(List.of(plain.request()), 7, 0.0, List.of("translation"));
    assertEquals(Splits.Part.DROPPED, byFamily.assign(translated), "a train request's held-out variant is dropped");
    assertEquals(Splits.Part.TRAIN, byFamily.assign(plain));
    assertEquals(Splits.Part.DROPPED, Splits.plan(List.of(plain.request()), 7, 0.0, List.of("translation-zu"))
        .assign(translated));
  }

  @Test
  void anEmptyReplyIsBadInputNamingTheModelAndAttack() {
    BadInputException e = assertThrows(BadInputException.class, () -> zulu.apply("x", new ReversingModel("  \n")));
    assertEquals("test:reverse: translation-zu: the attacker returned an empty translation", e.getMessage());
  }

  @Test
  void aLanguageCodeMustBeAShortTag() {
    assertThrows(IllegalArgumentException.class, () -> new TranslationAttack("Zulu language", "Zulu"));
  }
}
