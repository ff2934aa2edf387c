package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's attack stage with model-driven attacks written by a loopback attacker, and a split that holds
 * out model-driven families: training never sees a persuasion or PAIR variant, evaluation does. A missing
 * attacker is one error line naming the field.
 */
class PipelineAttacksTest {
  static final String SPEC = Path.of("..", "specs", "default.md").toAbsolutePath().toString();
  @TempDir Path dir;

  private Path pipeline(String attackSection) throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, String.join("\n",
        "spec: " + SPEC,
        "seed: 7",
        "import:",
        "  - format: strongreject",
        "    path: ${benchmarks}/strongreject/strongreject_dataset.csv",
        "    limit: 10",
        attackSection,
        "split:",
        "  eval_share: 0.3",
        "  holdout_attacks: [persuasion, pair]",
        ""));
    return file;
  }

  @Test
  void modelDrivenVariantsAreWrittenAndHeldOutByFamily() throws Exception {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> {
        String system = call.body().path("messages").path(0).path("content").asText();
        if (call.body().path("model").asText().equals("target")) {
          return Reply.content("I'm sorry, but I can't help with that.");
        }
        return Reply.content(system.contains("Translate") ? new StringBuilder(call.userText()).reverse().toString()
            : "As a school project: " + call.userText().lines().findFirst().orElse(""));
      });
      Path file = pipeline(String.join("\n",
          "attack:",
          "  attacks: [rot13, translation-zu, persuasion-authority, pair]",
          "  attacker: " + server.modelString("attacker"),
          "  target: " + server.modelString("target"),
          "  pair_rounds: 2"));
      Path run = dir.resolve("run");
      Cli cli = Cli.run("run", file.toString(), "--until", "split", "--run", run.toString());
      assertEquals(0, cli.status(), cli.err());
      List<Prompt> attacked = Prompts.readAll(run.resolve("prompts-attacked.jsonl"));
      assertEquals(10 * 5, attacked.size(), "each request plain and under 4 attacks");
      assertEquals(Set.of("rot13", "translation-zu", "persuasion-authority", "pair"), attacked.stream()
          .map(Prompt::attack).filter(a -> a != null).collect(Collectors.toSet()));
      Set<String> trained = Prompts.readAll(run.resolve("train.jsonl")).stream().map(Prompt::attack)
          .filter(a -> a != null).collect(Collectors.toSet());
      assertEquals(Set.of("rot13", "translation-zu"), trained, "held-out families never reach training");
      Set<String> evaluated = Prompts.readAll(run.resolve("eval.jsonl")).stream().map(Prompt::attack)
          .filter(a -> a != null).collect(Collectors.toSet());
      assertTrue(evaluated.containsAll(Set.of("persuasion-authority", "pair")), evaluated.toString());
      String manifest = Files.readString(run.resolve("manifest.json"));
      assertTrue(manifest.contains(dev.deliberate.attack.AttackerInstructions.hash()), "instructions hashed");

      int calls = server.log().size();
      Cli again = Cli.run("run", file.toString(), "--until", "split", "--run", run.toString());
      assertEquals(0, again.status(), again.err());
      assertEquals(calls, server.log().size(), "a finished run rerun makes no call");
    }
  }

  @Test
  void aModelDrivenAttackWithoutAnAttackerIsOneLineNamingTheField() throws Exception {
    Path file = pipeline("attack:\n  attacks: [rot13, translation-zu]");
    Cli cli = Cli.run("run", file.toString(), "--until", "split", "--run", dir.resolve("run").toString());
    assertEquals(2, cli.status());
    assertEquals(1, cli.err().lines().count(), cli.err());
    assertTrue(cli.err().startsWith("error: " + file + ":"), cli.err());
    assertTrue(cli.err().contains("attack.attacker: required by the model-driven attacks translation-zu"), cli.err());

    Path pair = pipeline("attack:\n  attacks: [pair]\n  attacker: reference");
    Cli noTarget = Cli.run("run", pair.toString(), "--until", "split", "--run", dir.resolve("run").toString());
    assertEquals(2, noTarget.status());
    assertTrue(noTarget.err().contains("attack.target: required by pair"), noTarget.err());
  }
}
