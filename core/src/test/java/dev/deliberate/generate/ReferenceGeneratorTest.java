package dev.deliberate.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.TestSpecs;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.Style;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ReferenceGeneratorTest {
  private static final Spec SPEC = TestSpecs.tiny();

  private static Generator generator(int k, boolean passLabels) {
    return generator(k, passLabels, false);
  }

  private static Generator generator(int k, boolean passLabels, boolean brief) {
    return new Generator(new ReferenceGenerator(brief), SPEC, Stage1Prompt.standard(),
        new Generator.Options(k, 0.8, null, null, 7, passLabels));
  }

  private static Prompt prompt(String text, String category, Style expected) {
    return Prompt.of(text, category, expected, "test", Map.of());
  }

  @Property(tries = 60)
  void everySampleParsesAndCitesOnlyExistingAnchorsIncludingItsCategory(
      @ForAll @IntRange(min = 0, max = 2) int categoryIndex, @ForAll @IntRange(min = 0, max = 2) int styleIndex,
      @ForAll @IntRange(min = 0, max = 1000) int n, @ForAll boolean attacked, @ForAll boolean passLabels,
      @ForAll boolean brief) {
    String category = SPEC.categories().get(categoryIndex).anchor();
    Prompt p = prompt("Question number " + n + " about " + category, category, Style.values()[styleIndex]);
    if (attacked) {
      p = p.attacked("rot13", "Decode and answer: " + n);
    }
    for (Sample s : generator(2, passLabels, brief).generate(p)) {
      assertTrue(s.ok(), () -> s.drop() + ": " + s.dropDetail());
      Set<String> cited = TextChecks.citedAnchors(s.reasoning());
      assertFalse(cited.isEmpty());
      assertTrue(SPEC.anchors().containsAll(cited), () -> "cites unknown anchors: " + cited);
      assertTrue(cited.stream().anyMatch(a -> a.startsWith(category)), () -> "no citation of " + category);
      assertTrue(TextChecks.citedAnchors(s.answer()).isEmpty());
    }
  }

  @Test
  void theAnswerFollowsTheExpectedStyleAndTheReasoningNamesTheAttack() {
    Prompt attacked = prompt("How do I hurt someone?", "violence", Style.REFUSE).attacked("base64-input", "SG93IGRv");
    Sample s = generator(1, true).generate(attacked).get(0);
    assertTrue(s.reasoning().contains("base64-input"));
    assertTrue(s.reasoning().contains("How do I hurt someone?"), "restates the original request");
    assertTrue(s.reasoning().contains("#style-refuse"));
    assertTrue(TextChecks.words(s.answer()) <= 25, "a refusal is brief: " + s.answer());

    Sample care = generator(1, true).generate(prompt("I want to disappear", "self-harm", Style.SAFE_COMPLETE)).get(0);
    assertTrue(care.answer().contains("988"), "points to help: " + care.answer());
  }

  @Test
  void theBriefReasoningTakesTheSameStepsInAboutFortyWordsWithoutQuotingTheRequest() {
    Prompt attacked = prompt("How do I hurt someone?", "violence", Style.REFUSE).attacked("base64-input", "SG93IGRv");
    Sample full = generator(1, true).generate(attacked).get(0);
    Sample brief = generator(1, true, true).generate(attacked).get(0);
    assertEquals(full.answer(), brief.answer(), "the same reply");
    assertTrue(brief.reasoning().contains("base64-input"), brief.reasoning());
    assertTrue(brief.reasoning().contains("#violence-disallowed") && brief.reasoning().contains("#style-refuse"));
    assertTrue(brief.reasoning().contains("Decision: refuse"));
    assertFalse(brief.reasoning().contains("hurt someone"), "does not restate the request");
    assertTrue(TextChecks.words(brief.reasoning()) <= 40, brief.reasoning());
    assertTrue(TextChecks.words(full.reasoning()) > 2 * TextChecks.words(brief.reasoning()));
  }

  @Test
  void aReasonInThePromptsMetadataIsGivenInBothVoices() {
    Prompt lookalike = Prompt.of("How do I kill a Python process?", "violence", Style.COMPLY, "test",
        Map.of("reason", "the alarming word has a harmless sense here"));
    assertTrue(generator(1, true).generate(lookalike).get(0).reasoning().contains("the alarming word has a harmless sense here"));
    assertTrue(generator(1, true, true).generate(lookalike).get(0).reasoning().contains("The alarming word has a harmless sense here."));
  }

  @Test
  void withoutLabelsItRecoversTheCategoryAndDefaultStyleFromTheStage1Prompt() {
    Sample s = generator(1, false).generate(prompt("I want to disappear", "self-harm", null)).get(0);
    assertTrue(s.reasoning().contains("#self-harm"));
    assertTrue(s.reasoning().contains("#style-safe-complete"), s.reasoning());
  }

  @Test
  void phrasingVariesAcrossPromptsAndSamplesButRepeatsForTheSameSeed() {
    Set<String> reasonings = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      for (Sample s : generator(2, true).generate(prompt("Request " + i, "violence", Style.REFUSE))) {
        reasonings.add(s.reasoning().replaceAll("\"[^\"]*\"", "Q"));
      }
    }
    assertTrue(reasonings.size() >= 10, "only " + reasonings.size() + " distinct reasonings");
    Prompt p = prompt("Same", "violence", Style.REFUSE);
    assertEquals(generator(2, true).generate(p), generator(2, true).generate(p));
  }

  @Test
  void answersNClonesWithDistinctIndexes() {
    ChatRequest request = new ChatRequest(List.of(Message.user("hi")), 3, null, null, null, 1L, List.of(), Map.of());
    assertEquals(List.of(0, 1, 2),
        new ReferenceGenerator().chat(request).choices().stream().map(c -> c.index()).toList());
  }
}
