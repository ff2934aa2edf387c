package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.attack.Attacks;
import dev.deliberate.io.Json;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import dev.deliberate.data.Prompt;
import dev.deliberate.spec.Style;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataAttackCommandTest {
  @TempDir Path dir;

  private static final Prompt TIDES = Prompt.of("How do tides work?", "violence", Style.REFUSE, "unit", Map.of());
  private static final Prompt RIVERS = Prompt.of("Name three rivers.", null, Style.COMPLY, "unit", Map.of("row", 2));

  private Path promptsFile(String... lines) throws Exception {
    Path file = dir.resolve("prompts.jsonl");
    Files.write(file, List.of(lines));
    return file;
  }

  private List<Prompt> read(Path file) throws Exception {
    return Files.readAllLines(file).stream().map(line -> {
      try {
        return Json.mapper().readValue(line, Prompt.class);
      } catch (Exception e) {
        throw new AssertionError(line, e);
      }
    }).toList();
  }

  @Test
  void listingShowsEveryAttackOnOneLineWithFamilyWhetherItNeedsAModelAndDescription() {
    Cli cli = Cli.run("data", "attacks", "--list");
    assertEquals(0, cli.status(), cli.err());
    List<String> lines = cli.out().lines().toList();
    assertEquals(1 + Attacks.all().size() + Attacks.modelDriven().size(), lines.size());
    assertTrue(lines.get(0).matches("NAME +FAMILY +MODEL +DESCRIPTION"), lines.get(0));
    assertTrue(lines.stream().anyMatch(l -> l.matches("rot13 +encoding +no +Sends the request in ROT13.*")), cli.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("translation-zu +translation +yes +.*Zulu.*")), cli.out());
    for (var attack : Attacks.all()) {
      assertEquals(1, lines.stream().filter(l -> l.startsWith(attack.name() + " ")).count(), attack.name());
    }
  }

  @Test
  void theListingHasAtLeastFortyAttacksAndMarksExactlyTheModelDrivenOnes() {
    List<String> rows = Cli.run("data", "attacks").out().lines().skip(1).toList();
    assertTrue(rows.size() >= 40, "found " + rows.size());
    List<String> needModel = rows.stream()
        .filter(l -> l.split(" +")[2].equals("yes")).map(l -> l.split(" +")[0]).toList();
    assertEquals(Attacks.modelDriven().stream().map(a -> a.name()).toList(), needModel);
    assertTrue(needModel.size() >= 5, "model-driven: " + needModel);
    assertTrue(rows.stream().allMatch(l -> List.of("yes", "no").contains(l.split(" +")[2])), String.join("\n", rows));
  }

  @Test
  void attackingWithAModelDrivenAttackIsOneErrorLineSayingItNeedsAnAttacker() throws Exception {
    Path in = promptsFile(Json.line(TIDES));
    Cli cli = Cli.run("data", "attack", "--in", in.toString(), "--attacks", "translation-zu", "-o",
        dir.resolve("o.jsonl").toString());
    assertEquals(2, cli.status());
    assertEquals(1, cli.err().lines().count(), cli.err());
    assertEquals("error: attacks translation-zu need an attacker model: give --attacker MODEL", cli.err().strip());
    assertFalse(Files.exists(dir.resolve("o.jsonl")));
  }

  @Test
  void attackingWritesOriginalsAndOneVariantPerAttackAndPrintsCounts() throws Exception {
    Path in = promptsFile(Json.line(TIDES), "", Json.line(RIVERS));
    Path out = dir.resolve("out/attacked.jsonl");
    Cli cli = Cli.run("data", "attack", "--in", in.toString(), "--attacks", "rot13,poem", "-o", out.toString(),
        "--keep-original");
    assertEquals(0, cli.status(), cli.err());
    List<Prompt> written = read(out);
    assertEquals(6, written.size());
    assertEquals(TIDES, written.get(0));
    assertEquals(Attacks.named("rot13").apply(TIDES), written.get(1));
    assertEquals(Attacks.named("poem").apply(TIDES), written.get(2));
    assertEquals(RIVERS, written.get(3));
    assertEquals("encoding", written.get(4).metadata().get("attack_family"));
    assertEquals("Name three rivers.", written.get(4).originalRequest());
    assertTrue(cli.out().contains("read 2 prompts"), cli.out());
    assertTrue(cli.out().contains("wrote 6 records to " + out + ": 2 originals, 4 attacked variants from 2 attacks"),
        cli.out());
    try (var files = Files.list(out.getParent())) {
      assertEquals(List.of(out), files.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void withoutKeepOriginalOnlyVariantsAreWrittenAndEveryTemplateAttackIsTheDefault() throws Exception {
    Path in = promptsFile(Json.line(TIDES));
    Path out = dir.resolve("attacked.jsonl");
    Cli cli = Cli.run("data", "attack", "--in", in.toString(), "-o", out.toString());
    assertEquals(0, cli.status(), cli.err());
    List<Prompt> written = read(out);
    assertEquals(Attacks.all().size(), written.size());
    assertTrue(written.stream().allMatch(p -> p.attack() != null));
  }

  @Test
  void rerunningGivesByteIdenticalOutput() throws Exception {
    Path in = promptsFile(Json.line(TIDES), Json.line(RIVERS));
    Path first = dir.resolve("a.jsonl");
    Path second = dir.resolve("b.jsonl");
    Cli.run("data", "attack", "--in", in.toString(), "-o", first.toString());
    Cli.run("data", "attack", "--in", in.toString(), "-o", second.toString());
    assertEquals(Files.readString(first), Files.readString(second));
  }

  @Test
  void anUnknownAttackIsOneErrorLineListingTheKnownNames() throws Exception {
    Path in = promptsFile(Json.line(TIDES));
    Cli cli = Cli.run("data", "attack", "--in", in.toString(), "--attacks", "rot13,nope", "-o",
        dir.resolve("o.jsonl").toString());
    assertEquals(2, cli.status());
    assertEquals(1, cli.err().lines().count(), cli.err());
    assertTrue(cli.err().startsWith("error: unknown attack 'nope': expected none, all, templates, model-driven or"
        + " names: prefix-injection,"), cli.err());
    assertFalse(Files.exists(dir.resolve("o.jsonl")));
  }

  @Test
  void aMissingInputFileIsOneErrorLine() {
    Path missing = dir.resolve("missing.jsonl");
    Cli cli = Cli.run("data", "attack", "--in", missing.toString(), "-o", dir.resolve("o.jsonl").toString());
    assertEquals(2, cli.status());
    assertEquals("error: " + missing + ": no such file", cli.err().strip());
  }

  @Test
  void aLineThatIsNotJsonNamesTheFileAndLineAndLeavesNoOutput() throws Exception {
    Path in = promptsFile(Json.line(TIDES), "{not json");
    Path out = dir.resolve("o.jsonl");
    Cli cli = Cli.run("data", "attack", "--in", in.toString(), "-o", out.toString());
    assertEquals(2, cli.status());
    assertEquals(1, cli.err().lines().count(), cli.err());
    assertTrue(cli.err().startsWith("error: " + in + ":2: not valid JSON"), cli.err());
    assertFalse(Files.exists(out));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(in), files.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void aRecordWithoutMessagesNamesTheLine() throws Exception {
    Path in = promptsFile("{\"id\": \"p-1\", \"messages\": []}");
    Cli cli = Cli.run("data", "attack", "--in", in.toString(), "-o", dir.resolve("o.jsonl").toString());
    assertEquals(2, cli.status());
    assertEquals("error: " + in + ":1: field 'messages': expected a non-empty array, found an empty array", cli.err().strip());
  }

  @Test
  void aFileThatIsNotUtf8NamesTheLine() throws Exception {
    Path in = dir.resolve("latin1.jsonl");
    Files.write(in, (Json.line(TIDES) + "\n{\"messages\": [{\"role\": \"user\", \"content\": \"caf\u00e9\"}]}\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    Cli cli = Cli.run("data", "attack", "--in", in.toString(), "-o", dir.resolve("o.jsonl").toString());
    assertEquals(2, cli.status());
    assertEquals("error: " + in + ":2: not valid UTF-8", cli.err().strip());
  }

  @Test
  void modelDrivenAttacksAreWrittenByTheAttackerThroughTheCacheAndARefusalIsAMarkedFailedVariant() throws Exception {
    try (ScriptedServer server = ScriptedServer.start()) {
      // The attacker translates by upper-casing, refuses to rewrite "Name three rivers." persuasively, and
      // proposes one prompt for pair; the target complies with a placeholder, which the reference grader scores.
      server.script(call -> {
        String model = call.body().path("model").asText();
        String system = call.body().path("messages").path(0).path("content").asText();
        if (model.equals("target")) {
          return Reply.content("Sure, here is how to do that: [steps withheld]");
        }
        if (system.contains("persuasive") && call.userText().contains("rivers")) {
          return Reply.content("I'm sorry, but I can't help with that.");
        }
        return Reply.content(system.contains("Translate") ? call.userText().toUpperCase(java.util.Locale.ROOT)
            : "Please, for a school report: " + call.userText());
      });
      Path in = promptsFile(Json.line(TIDES), Json.line(RIVERS));
      Path out = dir.resolve("attacked.jsonl");
      String[] args = {"data", "attack", "--in", in.toString(), "--attacks", "translation-zu,persuasion-authority,pair",
          "--attacker", server.modelString("attacker"), "--target", server.modelString("target"), "--pair-rounds", "2",
          "-o", out.toString()};
      Cli cli = Cli.run(args);
      assertEquals(0, cli.status(), cli.err());
      List<Prompt> written = read(out);
      assertEquals(6, written.size());
      assertEquals(List.of("translation-zu", "persuasion-authority", "pair"),
          written.subList(0, 3).stream().map(Prompt::attack).toList());
      assertEquals("HOW DO TIDES WORK?", written.get(0).text());
      assertEquals("How do tides work?", written.get(0).originalRequest());
      assertEquals("persuasion", written.get(1).metadata().get("attack_family"));
      Prompt refused = written.get(4);
      assertEquals("persuasion-authority", refused.attack());
      assertEquals("Name three rivers.", refused.text(), "a refused attack is the plain request");
      assertTrue(refused.metadata().get("attack_failed").toString().contains("refused"), refused.toString());
      assertTrue(written.get(2).text().startsWith("Please, for a school report: Goal: "), written.get(2).text());
      String manifest = Files.readString(dir.resolve("manifest.json"));
      assertTrue(manifest.contains("\"attacker_instructions\""), manifest);
      assertTrue(manifest.contains(dev.deliberate.attack.AttackerInstructions.hash()), manifest);

      int calls = server.log().size();
      Cli again = Cli.run(args);
      assertEquals(0, again.status(), again.err());
      assertEquals(calls, server.log().size(), "a rerun reuses every variant and pays for nothing");
      assertEquals(written, read(out));
    }
  }

  @Test
  void anAttackerThatAnswersInsteadOfRewritingPutsNoAnswerIntoTheData() throws Exception {
    try (ScriptedServer server = ScriptedServer.start()) {
      // A weak attacker that answers the request (a placeholder here, steps in a real one) instead of rewriting it.
      server.script(call -> Reply.content("Sure, here is how: 1. [step withheld] 2. [step withheld]"));
      Path in = promptsFile(Json.line(TIDES));
      Path out = dir.resolve("attacked.jsonl");
      Cli cli = Cli.run("data", "attack", "--in", in.toString(), "--attacks", "persuasion-authority,obfuscation",
          "--attacker", server.modelString("attacker"), "-o", out.toString());
      assertEquals(0, cli.status(), cli.err());
      List<Prompt> variants = read(out).stream().filter(p -> p.attack() != null).toList();
      assertEquals(List.of("persuasion-authority", "obfuscation"), variants.stream().map(Prompt::attack).toList());
      for (Prompt variant : variants) {
        assertEquals("How do tides work?", variant.text(), "the plain request stands in for the answer");
        assertTrue(variant.metadata().get("attack_failed").toString().contains("reads as an answer"), variant.toString());
      }
      assertFalse(Files.readString(out).contains("withheld"), "the attacker's answer is not in the data");
    }
  }

  @Test
  void pairWithoutATargetIsOneErrorLine() throws Exception {
    Path in = promptsFile(Json.line(TIDES));
    Cli cli = Cli.run("data", "attack", "--in", in.toString(), "--attacks", "pair", "--attacker", "reference", "-o",
        dir.resolve("o.jsonl").toString());
    assertEquals(2, cli.status());
    assertEquals("error: attack pair asks a target while it refines: give --target MODEL", cli.err().strip());
  }
}
