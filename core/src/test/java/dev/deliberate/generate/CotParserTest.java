package dev.deliberate.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.deliberate.model.ChatResponse.Choice;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CotParserTest {
  private final CotParser parser = new CotParser(Set.of("violence", "violence-disallowed", "style-refuse"));

  @Test
  void takesReasoningFromTheSeparateChannel() {
    CotParser.Parsed p = parser.parse(new Choice(0, "Per #violence-disallowed, refuse.", "I can't help with that.", "stop"));
    assertNull(p.drop());
    assertEquals("Per #violence-disallowed, refuse.", p.reasoning());
    assertEquals("I can't help with that.", p.answer());
  }

  @Test
  void takesReasoningFromAThinkBlockAndDropsALeadingMarker() {
    CotParser.Parsed p = parser.parse(new Choice(0, "", "<think>cite #violence</think>\nFinal answer: No thanks.", "stop"));
    assertNull(p.drop());
    assertEquals("cite #violence", p.reasoning());
    assertEquals("No thanks.", p.answer());
  }

  @Test
  void splitsAtTheLastFinalAnswerLine() {
    CotParser.Parsed p = parser.parse(new Choice(0, "", "Reasoning here.\n**Final answer:** Sure, here you go.", "stop"));
    assertNull(p.drop());
    assertEquals("Reasoning here.", p.reasoning());
    assertEquals("Sure, here you go.", p.answer());
  }

  @Test
  void dropsWithTheirReasons() {
    assertEquals(DropReason.NO_REASONING, parser.parse(new Choice(0, "", "Just an answer.", "stop")).drop());
    assertEquals(DropReason.NO_ANSWER, parser.parse(new Choice(0, "thinking", "  ", "stop")).drop());
    assertEquals(DropReason.NO_ANSWER, parser.parse(new Choice(0, "", "thinking\nFinal answer:\n", "stop")).drop());
    assertEquals(DropReason.TRUNCATED, parser.parse(new Choice(0, "thinking", "partial", "length")).drop());
    assertEquals(DropReason.ANALYSIS_LEAK,
        parser.parse(new Choice(0, "thinking", "As #violence-disallowed says, no.", "stop")).drop());
    assertEquals(DropReason.ANALYSIS_LEAK,
        parser.parse(new Choice(0, "thinking", "The spec says I can't help.", "stop")).drop());
    assertEquals(DropReason.ANALYSIS_LEAK,
        parser.parse(new Choice(0, "thinking", "Per #hate-allowed that is fine.", "stop")).drop());
  }

  @Test
  void ordinaryHashTagsAndPolicyWordsAreNotLeaks() {
    assertNull(parser.parse(new Choice(0, "t", "Use #include <stdio.h>; our refund policy is 30 days. We're #1!", "stop")).drop());
  }
}
