package dev.deliberate.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.TestSpecs;
import dev.deliberate.data.Prompt;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.run.UnusableReply;
import dev.deliberate.spec.Spec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClassifierTest {
  private static final Spec SPEC = TestSpecs.tiny();
  private static final Prompt UNLABELLED = Prompt.of("Should I take two aspirin?", null, null, "t", Map.of());

  /** A model at the edge that answers from a script and records the requests. */
  private static final class Scripted implements ChatModel {
    final Deque<String> replies;
    final List<ChatRequest> requests = new ArrayList<>();

    Scripted(String... replies) {
      this.replies = new ArrayDeque<>(List.of(replies));
    }

    public String id() {
      return "scripted";
    }

    public ChatResponse chat(ChatRequest request) {
      requests.add(request);
      return new ChatResponse(List.of(new ChatResponse.Choice(0, "", replies.poll(), "stop")), ChatResponse.Usage.NONE);
    }
  }

  @Test
  void aModelPicksFromTheSpecsAnchorsWithStructuredOutput() {
    Scripted model = new Scripted("```json\n{\"category\": \"regulated-advice\"}\n```");
    assertEquals(Optional.of("regulated-advice"), new ModelClassifier(model, SPEC, 3).classify(UNLABELLED));
    String format = model.requests.get(0).extra().get("response_format").toString();
    assertTrue(format.contains("json_schema") && format.contains("self-harm"), format);
  }

  @Test
  void anUnknownAnchorIsSentBackThenTheAttemptsRunOut() {
    Scripted model = new Scripted("{\"category\": \"medicine\"}", "{\"category\": \"regulated-advice\"}");
    assertEquals(Optional.of("regulated-advice"), new ModelClassifier(model, SPEC, 3).classify(UNLABELLED));
    assertTrue(model.requests.get(1).messages().get(3).content().contains("was 'medicine'"));
    Scripted hopeless = new Scripted("no idea", "still no idea");
    UnusableReply unusable = assertThrows(UnusableReply.class,
        () -> new ModelClassifier(hopeless, SPEC, 2).classify(UNLABELLED), "a reply naming no category is not a result");
    assertEquals(2, hopeless.requests.size());
    assertEquals("no category after 2 requests: the reply contains no JSON object; last reply: 'still no idea'",
        unusable.getMessage());
  }

  @Test
  void theReferenceClassifierUsesOnlyThePromptsLabels() {
    LabelClassifier labels = new LabelClassifier(SPEC);
    assertEquals(Optional.of("violence"), labels.classify(Prompt.of("x", "violence", null, "t", Map.of())));
    assertEquals(Optional.of("self-harm"), labels.classify(Prompt.of("x", null, null, "t", Map.of("topic", "Self-harm"))));
    assertEquals(Optional.empty(), labels.classify(UNLABELLED));
  }
}
