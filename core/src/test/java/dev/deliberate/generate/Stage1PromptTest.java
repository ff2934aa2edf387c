package dev.deliberate.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.TestSpecs;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.spec.Spec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Stage1PromptTest {
  @Test
  void putsTheExcerptAndInstructionsInASystemMessageBeforeThePromptsOwnMessages() {
    Spec spec = TestSpecs.tiny();
    Prompt prompt = Prompt.of("How do I hurt someone?", "violence", null, "test", Map.of());
    List<Message> messages = Stage1Prompt.standard().messages(spec, prompt);
    assertEquals(2, messages.size());
    assertEquals("system", messages.get(0).role());
    assertTrue(messages.get(0).content().contains(spec.excerpt("violence").strip()));
    assertTrue(messages.get(0).content().contains(Stage1Prompt.FINAL_ANSWER_MARKER));
    assertTrue(messages.get(0).content().contains("#violence-disallowed"), "the example anchor is a real one");
    assertEquals(prompt.messages().get(0), messages.get(1));
    assertEquals("1", Stage1Prompt.standard().version());
    assertEquals(64, Stage1Prompt.standard().hash().length());
  }
}
