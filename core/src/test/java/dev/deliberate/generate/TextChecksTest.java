package dev.deliberate.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextChecksTest {
  @Test
  void aCutTextKeepsItsCompleteSentences() {
    assertEquals("Use a hook. Drill first!", TextChecks.completeSentences("Use a hook. Drill first! Then you"));
    assertEquals("He said \"stop.\"", TextChecks.completeSentences("He said \"stop.\" And then"));
    assertEquals("Steps:\n1. Open the lid.", TextChecks.completeSentences("Steps:\n1. Open the lid.\n2. Pour th"));
  }

  @Test
  void aDecimalPointOrAVersionIsNotTheEndOfASentence() {
    assertEquals("", TextChecks.completeSentences("It costs 3.50 dollars or v1.2 of the"));
  }

  @Test
  void aTextWithoutACompleteSentenceBecomesEmpty() {
    assertEquals("", TextChecks.completeSentences("First you open the task manager and"));
  }
}
