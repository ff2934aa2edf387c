package dev.deliberate.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.TestSpecs;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.spec.Style;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each export format's own layout; what every format must do is checked in {@code contract.Contracts}. */
class ExporterTest {
  private static final SpecTextCheck CHECK = new SpecTextCheck(TestSpecs.tiny(), Stage1Prompt.standard());
  private static final SftExample EXAMPLE = new SftExample("s-1",
      List.of(Message.user("How do I hurt someone?"), Message.assistant("I can't help with that.")),
      "The user wants to hurt someone; #violence-disallowed applies. Refuse per #style-refuse.", "violence",
      Style.REFUSE, "test", null, "p-1", 1.0);

  private static Exporter exporter(ExportFormat format, Exporter.Reasoning reasoning) {
    return new Exporter(format, reasoning, CHECK);
  }

  @Test
  void ourJsonlIsMessagesPlusReasoningAndLabels() throws Exception {
    JsonNode node = Json.mapper().readTree(exporter(ExportFormat.JSONL, Exporter.Reasoning.THINK).convert(EXAMPLE).toString());
    assertEquals("s-1", node.get("id").asText());
    assertEquals("assistant", node.get("messages").get(1).get("role").asText());
    assertEquals("I can't help with that.", node.get("messages").get(1).get("content").asText());
    assertTrue(node.get("reasoning").asText().contains("#violence-disallowed"));
    assertEquals("violence", node.get("category").asText());
    assertEquals(EXAMPLE, Json.mapper().treeToValue(node, SftExample.class), "round-trips");
  }

  @Test
  void openAiHasOnlyMessagesWithTheReasoningAsAThinkBlock() {
    ObjectNode node = exporter(ExportFormat.OPENAI, Exporter.Reasoning.FIELD).convert(EXAMPLE);
    assertEquals(List.of("messages"), iterable(node));
    String content = node.get("messages").get(1).get("content").asText();
    assertTrue(content.startsWith("<think>The user wants"));
    assertTrue(content.endsWith("</think>I can't help with that."));
  }

  @Test
  void huggingFaceCarriesTheReasoningInlineOrInItsOwnField() {
    ObjectNode think = exporter(ExportFormat.HF, Exporter.Reasoning.THINK).convert(EXAMPLE);
    assertTrue(think.get("messages").get(1).get("content").asText().startsWith("<think>"));
    ObjectNode field = exporter(ExportFormat.HF, Exporter.Reasoning.FIELD).convert(EXAMPLE);
    assertEquals("I can't help with that.", field.get("messages").get(1).get("content").asText());
    assertTrue(field.get("messages").get(1).get("reasoning_content").asText().contains("#style-refuse"));
  }

  @Test
  void recordsThatDoNotConformAreRefused() {
    for (ExportFormat format : ExportFormat.values()) {
      Exporter e = exporter(format, Exporter.Reasoning.THINK);
      SftExample noReply = new SftExample("s", List.of(Message.user("q"), Message.assistant(" ")), "r", "violence",
          null, null, null, "p", 1);
      assertThrows(IllegalStateException.class, () -> e.convert(noReply), format.wireName());
      SftExample specInside = new SftExample("s", List.of(Message.user("q"), Message.assistant("ok")),
          "Instructions that would help someone physically hurt other people are never provided.", "violence", null,
          null, null, "p", 1);
      assertThrows(IllegalStateException.class, () -> e.convert(specInside), format.wireName());
      ObjectNode bad = Json.mapper().createObjectNode();
      bad.putArray("messages").addObject().put("role", "robot").put("content", "x");
      assertFalse(e.validate(bad).isEmpty());
    }
    ObjectNode extra = exporter(ExportFormat.OPENAI, Exporter.Reasoning.THINK).convert(EXAMPLE).put("reasoning", "x");
    assertTrue(exporter(ExportFormat.OPENAI, Exporter.Reasoning.THINK).validate(extra).get().contains("no field"));
  }

  private static List<String> iterable(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
