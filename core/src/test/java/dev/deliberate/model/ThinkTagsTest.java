package dev.deliberate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThinkTagsTest {
  @Test
  void splitsAClosedThinkBlockFromTheAnswer() {
    ThinkTags.Split s = ThinkTags.split("<think>weigh #violence-disallowed</think>\n\nI can't help with that.");
    assertEquals("weigh #violence-disallowed", s.reasoning());
    assertEquals("I can't help with that.", s.content());
  }

  @Test
  void aReplyThatOnlyClosesTheTagStartedMidThought() {
    ThinkTags.Split s = ThinkTags.split("the template opened it</think>answer");
    assertEquals("the template opened it", s.reasoning());
    assertEquals("answer", s.content());
  }

  @Test
  void aTagNeverClosedIsAllReasoning() {
    ThinkTags.Split s = ThinkTags.split("<think>ran out of tokens");
    assertEquals("ran out of tokens", s.reasoning());
    assertEquals("", s.content());
  }

  @Test
  void withoutTagsEverythingIsTheAnswer() {
    ThinkTags.Split s = ThinkTags.split("just an answer");
    assertEquals("", s.reasoning());
    assertEquals("just an answer", s.content());
  }
}
