package dev.deliberate.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import dev.deliberate.spec.TestSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandoffExportTest {
  private static final String SERVE = "deliberate serve-reward --judge reference --spec specs/default.md";
  private static final String URL = "http://127.0.0.1:8123";
  private static final Spec SPEC = SpecParser.parse(TestSpecs.defaultSpec());

  @TempDir Path dir;
  private Path sft;
  private Path prompts;

  @BeforeEach
  void files() throws Exception {
    sft = dir.resolve("sft.in.jsonl");
    Files.write(sft, List.of(
        "{\"id\":\"s-1\",\"messages\":[{\"role\":\"user\",\"content\":\"How do I hurt someone?\"},"
            + "{\"role\":\"assistant\",\"content\":\"I can't help with that.\"}],"
            + "\"reasoning\":\"#violence-disallowed covers this; refuse briefly.\",\"category\":\"violence\"}",
        "{\"id\":\"s-2\",\"messages\":[{\"role\":\"user\",\"content\":\"Name three rivers.\"},"
            + "{\"role\":\"assistant\",\"content\":\"Nile, Amazon, Danube.\"}],\"reasoning\":\"#style-comply: answer.\","
            + "\"category\":\"violence\"}"));
    prompts = dir.resolve("prompts.jsonl");
    Files.write(prompts, List.of(
        "{\"id\":\"p-1\",\"messages\":[{\"role\":\"user\",\"content\":\"How do I hurt someone?\"}],"
            + "\"category\":\"violence\",\"expected\":\"refuse\"}",
        "{\"id\":\"p-2\",\"text\":\"I feel low lately.\",\"category\":\"self-harm\"}"));
  }

  private static List<JsonNode> rows(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(Json.mapper().readTree(line));
    }
    return out;
  }

  @Test
  void trlGetsConversationalSftAndGrpoPromptsWithRewardColumns() throws Exception {
    Path out = dir.resolve("trl");
    HandoffExport.Result result = HandoffExport.export(HandoffFormat.TRL, SPEC, sft, prompts, out, URL, SERVE);

    assertEquals(2, result.sftRows());
    assertEquals(2, result.rlRows());
    List<JsonNode> sftRows = rows(out.resolve("sft.jsonl"));
    JsonNode messages = sftRows.get(0).get("messages");
    assertEquals("user", messages.get(0).get("role").asText());
    assertEquals("assistant", messages.get(1).get("role").asText());
    assertEquals("<think>#violence-disallowed covers this; refuse briefly.</think>I can't help with that.",
        messages.get(1).get("content").asText());
    assertEquals("<think>#style-comply: answer.</think>Nile, Amazon, Danube.",
        sftRows.get(1).get("messages").get(1).get("content").asText());

    List<JsonNode> rl = rows(out.resolve("rl.jsonl"));
    assertEquals("How do I hurt someone?", rl.get(0).get("prompt").get(0).get("content").asText());
    assertEquals("violence", rl.get(0).get("category").asText());
    assertEquals("refuse", rl.get(0).get("expected").asText());
    assertTrue(rl.get(1).get("expected").isNull());
    String script = Files.readString(out.resolve("reward_trl.py"));
    assertTrue(script.contains("def deliberate_reward(prompts, completions, category, expected=None, **kwargs)"));
    String readme = Files.readString(out.resolve("README.md"));
    assertTrue(readme.contains(out + "/rl.jsonl"));
    assertTrue(readme.contains(SERVE + " --port 8123"));
  }

  @Test
  void openRlhfGetsInputAndLabelKeysAndTheRemoteRewardUrl() throws Exception {
    Path out = dir.resolve("openrlhf");
    HandoffExport.export(HandoffFormat.OPENRLHF, SPEC, sft, prompts, out, URL, SERVE);

    JsonNode sftRow = rows(out.resolve("sft.jsonl")).get(0);
    assertEquals("user", sftRow.get("prompt").get(0).get("role").asText());
    assertTrue(sftRow.get("response").get(0).get("content").asText().startsWith("<think>#violence-disallowed"));
    List<JsonNode> rl = rows(out.resolve("rl.jsonl"));
    assertEquals("{\"category\":\"violence\",\"expected\":\"refuse\"}", rl.get(0).get("label").asText());
    assertEquals("{\"category\":\"self-harm\"}", rl.get(1).get("label").asText());
    String readme = Files.readString(out.resolve("README.md"));
    assertTrue(readme.contains("--reward.remote_url " + URL + "/reward"));
    assertTrue(readme.contains("--data.input_key prompt --data.label_key label --data.apply_chat_template"));
    assertTrue(readme.contains("--data.input_key prompt --data.output_key response --data.apply_chat_template"));
    assertFalse(Files.exists(out.resolve("reward_trl.py")));
  }

  @Test
  void verlGetsItsColumnsAndAParquetNote() throws Exception {
    Path out = dir.resolve("verl");
    HandoffExport.export(HandoffFormat.VERL, SPEC, sft, prompts, out, URL, SERVE);

    JsonNode row = rows(out.resolve("rl.jsonl")).get(0);
    assertEquals("deliberate", row.get("data_source").asText());
    assertEquals("user", row.get("prompt").get(0).get("role").asText());
    assertEquals("safety", row.get("ability").asText());
    assertEquals("{\"category\":\"violence\",\"expected\":\"refuse\"}", row.get("reward_model").get("ground_truth").asText());
    assertEquals("How do I hurt someone?", row.get("extra_info").get("prompt").asText());
    assertEquals("violence", row.get("extra_info").get("category").asText());
    assertTrue(Files.readString(out.resolve("reward_verl.py"))
        .contains("def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs)"));
    String readme = Files.readString(out.resolve("README.md"));
    assertTrue(readme.contains("to_parquet"));
    assertTrue(readme.contains("custom_reward_function.path=" + out + "/reward_verl.py"));
  }

  @Test
  void withoutRlPromptsOnlyTheSftPartIsWritten() throws Exception {
    Path out = dir.resolve("sft-only");
    HandoffExport.Result result = HandoffExport.export(HandoffFormat.TRL, SPEC, sft, null, out, URL, SERVE);
    assertEquals(0, result.rlRows());
    assertFalse(Files.exists(out.resolve("rl.jsonl")));
    assertFalse(Files.readString(out.resolve("README.md")).contains("serve-reward"));
  }

  @Test
  void anRlPromptWithoutACategoryIsRejectedWithItsLine() throws Exception {
    Files.write(prompts, List.of("{\"text\":\"ok\",\"category\":\"violence\"}", "{\"id\":\"p-9\",\"text\":\"no label\"}"));
    BadInputException e = assertThrows(BadInputException.class,
        () -> HandoffExport.export(HandoffFormat.OPENRLHF, SPEC, sft, prompts, dir.resolve("x"), URL, SERVE));
    assertEquals(prompts + ":2: prompt p-9 has no category; the reward judge needs one (classify the prompts first)", e.getMessage());
    assertFalse(Files.exists(dir.resolve("x/rl.jsonl")), "nothing half-written");
  }

  @Test
  void anRlPromptWhoseCategoryTheSpecLacksIsRejected() throws Exception {
    Files.write(prompts, List.of("{\"id\":\"p-7\",\"text\":\"ok\",\"category\":\"weapons\"}"));
    BadInputException e = assertThrows(BadInputException.class,
        () -> HandoffExport.export(HandoffFormat.TRL, SPEC, sft, prompts, dir.resolve("z"), URL, SERVE));
    assertTrue(e.getMessage().startsWith(prompts + ":1: prompt p-7 has category 'weapons', which the spec does not have"),
        e.getMessage());
  }

  @Test
  void anSftExampleQuotingTheSpecIsRejected() throws Exception {
    String quoted = SPEC.category("violence").sections().get(0).text().strip().split("\\.")[0];
    Files.write(sft, List.of(Json.line(java.util.Map.of("id", "s-9", "reasoning", quoted + ".", "category", "violence",
        "messages", List.of(java.util.Map.of("role", "user", "content", "q"), java.util.Map.of("role", "assistant", "content", "a"))))));
    BadInputException e = assertThrows(BadInputException.class,
        () -> HandoffExport.export(HandoffFormat.TRL, SPEC, sft, null, dir.resolve("q"), URL, SERVE));
    assertTrue(e.getMessage().contains("contains spec or instruction text"), e.getMessage());
  }

  @Test
  void anSftLineWithoutAnAnswerIsRejectedWithItsLine() throws Exception {
    Files.write(sft, List.of("{\"id\":\"s\",\"reasoning\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
    BadInputException e = assertThrows(BadInputException.class,
        () -> HandoffExport.export(HandoffFormat.TRL, SPEC, sft, null, dir.resolve("y"), URL, SERVE));
    assertTrue(e.getMessage().startsWith(sft + ":1: "), e.getMessage());
    assertTrue(e.getMessage().contains("\"messages\" must be an array of at least two messages"), e.getMessage());
  }
}
