package dev.deliberate.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import dev.deliberate.spec.Style;
import dev.deliberate.spec.TestSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RftGraderTest {
  private static final Spec SPEC = SpecParser.parse(TestSpecs.defaultSpec());

  @Test
  void theGraderReadsOnlyItemFieldsAndTheFinalAnswer() {
    List<String> variables = new ArrayList<>();
    Matcher m = Pattern.compile("\\{\\{\\s*([^}]+?)\\s*}}").matcher(RftGrader.instructions(SPEC) + RftGrader.itemTemplate());
    while (m.find()) {
      variables.add(m.group(1));
    }
    assertEquals(List.of("item.spec_excerpt", "item.expected", "item.request", "sample.output_text"), variables);
    String all = (RftGrader.instructions(SPEC) + RftGrader.itemTemplate()).toLowerCase();
    assertFalse(all.contains("sample.output_json") || all.contains("reasoning_content") || all.contains("chain_of_thought"));
    assertTrue(all.contains("reasoning is not shown"));
  }

  @Test
  void instructionsCarryTheRubricAndTheSpecStyles() {
    String text = RftGrader.instructions(SPEC);
    assertTrue(text.contains(SPEC.id()));
    assertTrue(text.contains("Decision") && text.contains("Style") && text.contains("Helpfulness"));
    for (Style style : Style.values()) {
      String words = SPEC.styles().get(style).text().strip().replaceAll("\\s+", " ");
      assertTrue(text.contains(words), "style " + style + " is quoted from the spec");
    }
  }

  @Test
  void aRowHoldsSpecOfItsCategoryAndTheRequiredBehaviour() {
    Prompt prompt = Prompt.of("I feel low lately.", "self-harm", null, "unit", Map.of());
    Map<String, Object> row = RftGrader.trainingRow(prompt, SPEC);
    assertEquals(List.of(Message.user("I feel low lately.")), row.get("messages"));
    assertEquals(SPEC.excerpt("self-harm"), row.get("spec_excerpt"));
    assertEquals(SPEC.category("self-harm").defaultStyle().wireName(), row.get("expected"));
    assertEquals("I feel low lately.", row.get("request"));
    assertEquals("refuse",
        RftGrader.trainingRow(Prompt.of("x", "violence", Style.REFUSE, "unit", Map.of()), SPEC).get("expected"));
  }

  @Test
  void promptsWithoutCategoryOrEndingWithTheAssistantAreRejected() {
    assertThrows(BadInputException.class, () -> RftGrader.trainingRow(Prompt.of("x", null, null, "unit", Map.of()), SPEC));
    Prompt withAnswer = new Prompt(null, List.of(Message.user("x"), Message.assistant("y")), "violence", null, "unit",
        null, null, Map.of());
    BadInputException e = assertThrows(BadInputException.class, () -> RftGrader.trainingRow(withAnswer, SPEC));
    assertTrue(e.getMessage().endsWith("expected the last message to be the user's request"));
  }
}
