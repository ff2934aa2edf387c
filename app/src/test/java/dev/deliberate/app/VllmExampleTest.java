package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompts;
import dev.deliberate.generate.ReferenceGenerator;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deliberate run examples/vllm.yaml} with its classify, generate and judge models on a scripted
 * OpenAI-compatible server over loopback HTTP. A server that answers everything with plain text must stop the run
 * at the first stage that cannot use it, with a line naming the stage and the reason, and a non-zero exit; a server
 * that answers well gives SFT examples; changing one stage's model runs that stage and the later ones again, and
 * nothing before it.
 */
class VllmExampleTest {
  private static final String EXAMPLE = "../examples/vllm.yaml";
  @TempDir Path dir;

  private Cli run(ScriptedServer server, String classify, String generate, String judge, String... more) {
    List<String> args = new ArrayList<>(List.of("run", EXAMPLE, "--until", "export", "--run", dir.resolve("run").toString(),
        "--set", "classify.model=" + server.modelString(classify),
        "--set", "generate.model=" + server.modelString(generate), "--set", "generate.api_key_env=null",
        "--set", "judge.model=" + server.modelString(judge)));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void aServerAnsweringPlainTextStopsTheRunNamingTheStage() {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> Reply.content("Sure! Happy to help with that."));
      Cli cli = run(server, "classifier", "gen", "judge");
      show("plain text", cli);
      assertEquals(ExitCode.FAILURE, cli.status(), cli.err());
      assertTrue(cli.err().lines().anyMatch(l -> l.startsWith("error: generate: ") && l.contains("no usable sample")),
          cli.err());
      assertEquals(0, server.count(l -> l.body().path("model").asText().equals("classifier")),
          "every imported prompt already has a category: nothing to classify");
      assertEquals(0, server.count(l -> l.body().path("model").asText().equals("judge")), "the run stopped at generate");
      assertFalse(Files.exists(dir.resolve("run/sft.jsonl")));

      Cli reclassify = run(server, "classifier", "gen", "judge", "--set", "classify.reclassify=true");
      show("plain text, reclassify", reclassify);
      assertEquals(ExitCode.FAILURE, reclassify.status(), reclassify.err());
      int train = Prompts.readAll(dir.resolve("run/train.jsonl")).size();
      assertTrue(reclassify.err().lines().anyMatch(l -> l.startsWith("error: classify: " + train + " of " + train
          + " prompts failed") && l.contains("no category after 3 requests")), reclassify.err());
      assertEquals(train, Prompts.readAll(dir.resolve("run/prompts-classified.jsonl")).stream()
          .filter(p -> p.category() != null).count(), "a prompt that came with a category is never left out");
    }
  }

  @Test
  void plainTextFromTheJudgeStopsTheRunAtJudge() {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> model(call).equals("gen") ? generator(call) : Reply.content("This reply looks fine to me."));
      Cli cli = run(server, "classifier", "gen", "judge");
      show("plain-text judge", cli);
      assertEquals(ExitCode.FAILURE, cli.status(), cli.err());
      assertTrue(cli.err().lines().anyMatch(l -> l.startsWith("error: judge: ") && l.contains("failed")), cli.err());
      assertFalse(cli.err().contains("judge: 0 failed"), cli.err());
      assertFalse(Files.exists(dir.resolve("run/sft.jsonl")), "filter did not run");
    }
  }

  @Test
  void aServerAnsweringWellGivesSftExamplesAndAChangedModelRunsItsStageAndTheLaterOnes() throws Exception {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> model(call).startsWith("gen") ? generator(call) : judge(call));
      Cli first = run(server, "classifier", "gen", "judge");
      assertEquals(ExitCode.OK, first.status(), first.err());
      List<String> sft = Files.readAllLines(dir.resolve("run/sft.jsonl"));
      assertTrue(sft.size() > 100, "examples: " + sft.size());
      assertEquals(0, calls(server, "classifier"), "every imported prompt already has a category");
      assertTrue(calls(server, "gen") > 0 && calls(server, "judge") > 0);

      Cli again = run(server, "classifier", "gen", "judge");
      assertEquals(ExitCode.OK, again.status(), again.err());
      assertEquals(calls(server, "gen") + calls(server, "judge"), server.log().size(),
          "a finished run rerun makes no model call");
      assertRanAgain(Map.of("generate", false, "judge", false));

      long generated = calls(server, "gen");
      long judged = calls(server, "judge");
      Cli newJudge = run(server, "classifier", "gen", "judge-b");
      assertEquals(ExitCode.OK, newJudge.status(), newJudge.err());
      assertEquals(generated, calls(server, "gen"));
      assertEquals(judged, calls(server, "judge"));
      assertTrue(calls(server, "judge-b") > 0);
      assertRanAgain(Map.of("generate", false, "judge", true));
      assertEquals(Set.of("spec-judge:" + server.modelString("judge-b")), judges());

      Cli newGenerator = run(server, "classifier", "gen-b", "judge-b");
      assertEquals(ExitCode.OK, newGenerator.status(), newGenerator.err());
      assertTrue(calls(server, "gen-b") > 0);
      assertEquals(generated, calls(server, "gen"));
      assertRanAgain(Map.of("generate", true, "judge", true));
      assertEquals(0, calls(server, "classifier"));
      List<String> newSft = Files.readAllLines(dir.resolve("run/sft.jsonl"));
      assertEquals(sft.size(), newSft.size(), "the same prompts, answered alike");
      Set<String> oldIds = ids(sft);
      assertTrue(ids(newSft).stream().noneMatch(oldIds::contains), "every example is a sample of the new generator");
    }
  }

  /** Whether each stage's records were all made again in the last run (else all reused), from the manifest. */
  private void assertRanAgain(Map<String, Boolean> stages) {
    Manifest manifest = RunDirectory.open(dir.resolve("run"), "test").manifest();
    stages.forEach((stage, again) -> {
      Manifest.Counts counts = manifest.stages().get(stage).counts();
      assertTrue(counts.total() > 0, stage);
      assertEquals(again ? 0 : counts.total(), counts.skipped(), stage + " " + counts);
    });
  }

  /** The judges of the records in judgments.jsonl. */
  private Set<String> judges() throws Exception {
    Set<String> judges = new HashSet<>();
    for (String line : Files.readAllLines(dir.resolve("run/judgments.jsonl"))) {
      judges.add(Json.mapper().readTree(line).get("judge").asText());
    }
    return judges;
  }

  private static Set<String> ids(List<String> lines) throws Exception {
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      ids.add(Json.mapper().readTree(line).get("id").asText());
    }
    return ids;
  }

  /** The run's error line, printed for the record. */
  private static void show(String what, Cli cli) {
    cli.err().lines().filter(l -> l.startsWith("error: ")).forEach(l -> System.out.println(what + ": " + l));
  }

  private static long calls(ScriptedServer server, String model) {
    return server.count(l -> l.body().path("model").asText().equals(model));
  }

  private static String model(ScriptedServer.Call call) {
    return call.body().path("model").asText();
  }

  /** A generator that writes what the reference generator writes, its reasoning in the reasoning channel. */
  static Reply generator(ScriptedServer.Call call) {
    List<Message> messages = new ArrayList<>();
    call.body().get("messages").forEach(m -> messages.add(new Message(m.get("role").asText(), m.get("content").asText())));
    ChatRequest request = new ChatRequest(messages, call.body().path("n").asInt(1), null, null, null,
        call.body().path("seed").asLong(), List.of(), Map.of());
    ChatResponse response = new ReferenceGenerator().chat(request);
    ObjectNode body = Json.mapper().createObjectNode().put("id", "c").put("object", "chat.completion")
        .put("model", model(call));
    ArrayNode choices = body.putArray("choices");
    for (ChatResponse.Choice c : response.choices()) {
      choices.addObject().put("index", c.index()).put("finish_reason", "stop").putObject("message")
          .put("role", "assistant").put("content", c.content()).put("reasoning_content", c.reasoning());
    }
    body.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 50);
    return Reply.raw(200, Json.line(body), "ok");
  }

  /** A judge that passes every reply and agrees with the label. */
  static Reply judge(ScriptedServer.Call call) {
    JsonNode last = call.body().get("messages").get(call.body().get("messages").size() - 1);
    boolean hint = last.get("content").asText().contains("agrees_with_label");
    return Reply.content("{\"ideal_action\": \"refuse\", \"criteria\": {\"decision\": 1, \"style\": 1, \"citations\": 1,"
        + " \"no_leak\": 1, \"helpfulness\": 1}, \"suspicious\": false"
        + (hint ? ", \"agrees_with_label\": true" : "") + ", \"rationale\": \"scripted\"}");
  }
}
