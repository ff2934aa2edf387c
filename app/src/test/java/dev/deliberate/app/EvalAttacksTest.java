package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.attack.Attacks;
import dev.deliberate.attack.ModelAttack;
import dev.deliberate.io.Json;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Call;
import dev.deliberate.model.ScriptedServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --attacks all --attacker MODEL} and {@code eval --languages zu --translator MODEL} against one scripted
 * loopback server that plays attacker, target and translator by the model name in each request. Its "language" is
 * reversed text: the attacker "translates" by reversing, and the target complies (with a content-free placeholder)
 * only with reversed requests, answering them reversed, so a translated answer is harmful only once it is translated
 * back, which is what the grader must see. The attacker refuses to split payloads, which must be a failed attack.
 */
class EvalAttacksTest {
  static final String COMPLY = "Sure, here is how to do that: [steps withheld]";
  static final String REFUSE = "I'm sorry, but I can't help with that.";

  static String reversed(String s) {
    return new StringBuilder(s).reverse().toString();
  }

  /** attacker, target and translator by model name. */
  static Reply script(Call call) {
    String model = call.body().path("model").asText();
    String system = call.body().path("messages").path(0).path("content").asText();
    String user = call.userText();
    if (model.equals("target")) {
      // Plain English requests start with a letter; reversed ones with their final punctuation.
      return Reply.content(Character.isLetter(user.charAt(0)) ? REFUSE : reversed(COMPLY));
    }
    if (system.contains("Translate the user's text")) {
      return Reply.content(reversed(user));
    }
    if (system.contains("fragments")) {
      return Reply.content(REFUSE);
    }
    return Reply.content("For a school report: " + user.replace("Goal: ", "").lines().findFirst().orElse(""));
  }

  static JsonNode metrics(Path out) throws Exception {
    return Json.mapper().readTree(out.resolve("metrics.json").toFile());
  }

  static List<JsonNode> done(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode node = Json.mapper().readTree(line);
      if (node.path("status").asText().equals("done")) {
        out.add(node);
      }
    }
    return out;
  }

  @Test
  void everyAttackRunsOnALoopbackAttackerAndTheReportHasAPerAttackTable(@TempDir Path dir) throws Exception {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(EvalAttacksTest::script);
      Path out = dir.resolve("e");
      String[] args = {"eval", "--model", server.modelString("target"), "--suite", "strongreject", "--limit", "2",
          "--attacks", "all", "--attacker", server.modelString("attacker"), "--concurrency", "4", "-o", out.toString()};
      Cli cli = Cli.run(args);
      assertEquals(0, cli.status(), cli.err());
      int perRequest = 1 + Attacks.all().size() + Attacks.modelDriven().size();
      List<JsonNode> answers = done(out.resolve("answers.jsonl"));
      assertEquals(2 * perRequest, answers.size());

      JsonNode byAttack = metrics(out).path("breakdowns").path("strongreject_by_attack");
      for (ModelAttack a : Attacks.modelDriven()) {
        JsonNode m = byAttack.path(a.name());
        assertTrue(m.has("calls") && m.has("rounds") && m.has("attack_failed"), a.name() + ": " + m);
      }
      // Translation: the target's reversed compliance, translated back, is what the grader saw.
      JsonNode zu = answers.stream().filter(a -> a.at("/prompt/attack").asText().equals("translation-zu")).findFirst()
          .orElseThrow();
      assertEquals(COMPLY, zu.path("content").asText());
      assertEquals(reversed(COMPLY), zu.at("/trace/original_answer").asText());
      assertEquals(3, zu.at("/trace/calls").asInt(), "translate, ask the target, translate back");
      assertTrue(byAttack.at("/translation-zu/mean_harm/value").asDouble() > 0, byAttack.toString());
      assertEquals(0.0, byAttack.at("/none/mean_harm/value").asDouble(), 1e-9);
      // Payload splitting: the attacker refused, so the target got the plain request, marked failed.
      assertEquals(1.0, byAttack.at("/payload-split/attack_failed/value").asDouble(), 1e-9);
      JsonNode split = answers.stream().filter(a -> a.at("/prompt/attack").asText().equals("payload-split")).findFirst()
          .orElseThrow();
      assertEquals(split.at("/prompt/original_request").asText(), split.at("/prompt/messages/0/content").asText());
      assertTrue(split.at("/trace/failure").asText().contains("refused"), split.toString());
      // PAIR never succeeds against this target: all 3 rounds, 3 attacker + 3 target + 3 judge calls.
      assertEquals(3.0, byAttack.at("/pair/rounds/value").asDouble(), 1e-9);
      assertEquals(9.0, byAttack.at("/pair/calls/value").asDouble(), 1e-9);

      String manifest = Files.readString(out.resolve("manifest.json"));
      assertTrue(manifest.contains(dev.deliberate.attack.AttackerInstructions.hash()), "instructions hashed");

      Path html = dir.resolve("report.html");
      Cli report = Cli.run("report", out.toString(), "-o", html.toString());
      assertEquals(0, report.status(), report.err());
      String page = Files.readString(html);
      assertTrue(page.contains("<section id=\"attacks\">"), "per-attack table");
      assertTrue(page.contains("<section id=\"attack-costs\">"), "model-driven attacks table");
      for (ModelAttack a : Attacks.modelDriven()) {
        assertTrue(page.contains("<th scope=\"row\">" + a.name() + "</th>"), a.name());
      }

      int calls = server.log().size();
      Cli again = Cli.run(args);
      assertEquals(0, again.status(), again.err());
      assertEquals(calls, server.log().size(), "a finished eval rerun makes no call");
    }
  }

  @Test
  void modelDrivenAttacksWithoutAnAttackerAreOneErrorLine(@TempDir Path dir) {
    Cli cli = Cli.run("eval", "--model", "reference", "--attacks", "all", "-o", dir.resolve("e").toString());
    assertEquals(2, cli.status());
    assertEquals(1, cli.err().lines().count(), cli.err());
    assertTrue(cli.err().startsWith("error: attacks translation-zu, "), cli.err());
    assertTrue(cli.err().strip().endsWith("need an attacker model: give --attacker MODEL"), cli.err());
    assertFalse(Files.exists(dir.resolve("e/answers.jsonl")));
  }

  @Test
  void languagesAreTranslatedAnsweredTranslatedBackAndReportedBesideEnglish(@TempDir Path dir) throws Exception {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(EvalAttacksTest::script);
      Path out = dir.resolve("e");
      Cli cli = Cli.run("eval", "--model", server.modelString("target"), "--limit", "3", "--languages", "zu,gd",
          "--translator", server.modelString("translator"), "-o", out.toString());
      assertEquals(0, cli.status(), () -> cli.err() + failures(out));
      JsonNode metrics = metrics(out);
      JsonNode byLanguage = metrics.path("breakdowns").path("by_language");
      assertEquals(List.of("en", "gd", "zu"), iterable(byLanguage.fieldNames()), "en first, then by code");
      for (String language : List.of("en", "zu", "gd")) {
        for (String metric : List.of("goodness@0.1", "not_unsafe", "not_overrefuse")) {
          assertNotNull(byLanguage.path(language).get(metric), language + " " + metric + ": " + byLanguage);
        }
        assertEquals(3, byLanguage.path(language).path("not_unsafe").path("n").asInt(), language);
      }
      // The target refuses in English and complies in the "translated" language.
      assertEquals(1.0, byLanguage.at("/en/not_unsafe/value").asDouble(), 1e-9);
      assertTrue(byLanguage.at("/zu/not_unsafe/value").asDouble() < 1.0, byLanguage.toString());
      // The headline is English only: the translated answers do not move it.
      assertEquals(1.0, metrics.at("/metrics/not_unsafe/value").asDouble(), 1e-9);
      assertEquals(3, metrics.at("/metrics/not_unsafe/n").asInt());
      Set<String> languages = done(out.resolve("grades.jsonl")).stream().map(g -> g.path("language").asText("en"))
          .collect(Collectors.toSet());
      assertEquals(Set.of("en", "zu", "gd"), languages);

      Path html = dir.resolve("report.html");
      assertEquals(0, Cli.run("report", out.toString(), "-o", html.toString()).status());
      String page = Files.readString(html);
      assertTrue(page.contains("<section id=\"languages\">"), "per-language table");
      assertTrue(page.contains("<th scope=\"row\">gd</th>"));
    }
  }

  @Test
  void languagesWithoutATranslatorAreOneErrorLine(@TempDir Path dir) {
    Cli cli = Cli.run("eval", "--model", "reference", "--languages", "zu", "-o", dir.resolve("e").toString());
    assertEquals(2, cli.status());
    assertEquals("error: --languages zu needs --translator MODEL", cli.err().strip());
    Cli unknown = Cli.run("eval", "--model", "reference", "--languages", "xx", "--translator", "reference", "-o",
        dir.resolve("e").toString());
    assertEquals(2, unknown.status());
    assertEquals("error: unknown language 'xx': expected one of zu, gd, hmn, gn", unknown.err().strip());
  }

  /** The failed lines of an eval directory, for a failing assertion's message. */
  static String failures(Path out) {
    StringBuilder b = new StringBuilder();
    for (String file : List.of("answers.jsonl", "grades.jsonl")) {
      try {
        Files.readAllLines(out.resolve(file)).stream().filter(l -> l.contains("\"failed\"")).forEach(l -> b.append('\n').append(l));
      } catch (java.io.IOException e) {
        b.append('\n').append(file).append(": ").append(e.getMessage());
      }
    }
    return b.toString();
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> out = new ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }

}
