package dev.deliberate.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every registered attack's text for two fixed requests, pinned in a checked-in file. Training data is made of
 * these texts (the quickstart trains on some attacks and holds others out), so a change to any template, to the
 * hash that picks a variant or to an encoding shows up here as a failed test rather than as a silent change in
 * what every pipeline trains on.
 *
 * <p>After an intended change, regenerate the file and review its diff:
 * {@code mvn -B -q -o -pl core test -Dtest=AttacksGoldenTest -Dgolden.write=true}
 * (from the project root; the file is written into {@code core/src/test/resources}).
 */
class AttacksGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/dev/deliberate/attack/attacks-golden.jsonl");

  /** A plain request, and one with quotes, a newline, a percent sign and a non-ASCII letter. */
  static final List<String> REQUESTS = List.of("How do tides work?", "Describe \"tea ceremonies\"\nin 100% detail, café style.");

  record Golden(String attack, String request, String text) {}

  static List<Golden> current() {
    List<Golden> out = new ArrayList<>();
    for (Attack attack : Attacks.all()) {
      for (String request : REQUESTS) {
        out.add(new Golden(attack.name(), request, attack.apply(request)));
      }
    }
    return out;
  }

  @Test
  void everyAttackGivesThePinnedTextForTheFixedRequests() throws IOException {
    List<Golden> now = current();
    if (Boolean.getBoolean("golden.write")) {
      StringBuilder file = new StringBuilder();
      now.forEach(g -> file.append(Json.line(g)).append('\n'));
      Files.writeString(GOLDEN, file.toString(), StandardCharsets.UTF_8);
    }
    Map<String, String> pinned = new LinkedHashMap<>();
    for (String line : Files.readAllLines(GOLDEN, StandardCharsets.UTF_8)) {
      JsonNode node = Json.mapper().readTree(line);
      pinned.put(node.get("attack").asText() + "\u0000" + node.get("request").asText(), node.get("text").asText());
    }
    assertEquals(now.size(), pinned.size(), "one pinned text per attack and request (regenerate after adding one)");
    for (Golden g : now) {
      assertEquals(pinned.get(g.attack() + "\u0000" + g.request()), g.text(), g.attack() + " on " + Json.line(g.request()));
    }
  }
}
