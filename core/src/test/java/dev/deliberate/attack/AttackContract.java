package dev.deliberate.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.spec.Style;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What every {@link Attack} must do, in one place: each registered attack is checked against all of it by
 * {@code AttacksContractTest}, and a new attack written elsewhere can call {@link #check} in its own test.
 */
public final class AttackContract {
  private AttackContract() {}

  /** Words no template may contain: a cheap guard that the attack's own text stays harmless. */
  static final List<String> FORBIDDEN_IN_TEMPLATES = List.of(
      "bomb", "explosive", "weapon", "poison", "meth", "kill", "malware", "ransom", "steal", "suicide",
      "overdose", "nude", "firearm", "gun ");

  /** How many template variants an attack may choose among (by a hash of the request). */
  static final int MAX_VARIANTS = 8;

  /** Benign requests, distinct enough that their encoded forms cannot appear by chance in a template. */
  static List<String> sampleRequests() {
    List<String> topics = List.of(
        "tides", "sourdough starters", "solar panels", "bee colonies", "chess openings", "paper airplanes",
        "rainbows", "compost heaps", "library catalogues", "tea ceremonies");
    List<String> frames = List.of(
        "How do %s work?", "Write a short note about %s.", "What is the history of %s?",
        "Explain %s to a child, with one example: \"like this\".");
    List<String> requests = new ArrayList<>();
    for (String frame : frames) {
      for (String topic : topics) {
        requests.add(frame.formatted(topic));
      }
    }
    return requests;
  }

  /** Runs every check of the contract against one attack. */
  public static void check(Attack attack) {
    hasNameFamilyAndDescription(attack);
    for (String request : sampleRequests()) {
      checkText(attack, request);
      anEncodedRequestStandsApartAndDecodes(attack, request);
    }
    checkText(attack, "");
    aCombinationIsItsParts(attack, sampleRequests().get(0));
    keepsTheRequestAndLabelsThePrompt(attack);
    addsOnlyItsOwnHarmlessTemplate(attack);
  }

  static void hasNameFamilyAndDescription(Attack attack) {
    assertTrue(attack.name().matches("[a-z0-9]+(-[a-z0-9]+)*(\\+[a-z0-9]+(-[a-z0-9]+)*)*"),
        "name is lower-case kebab, parts of a combination joined by '+': " + attack.name());
    assertTrue(attack.family().matches("[a-z]+"), attack.name() + ": family is one lower-case word");
    assertFalse(attack.description().isBlank(), attack.name() + ": has a description");
    assertFalse(attack.description().contains("\n"), attack.name() + ": description is one line");
  }

  /** Deterministic, non-empty, different from the request, and carrying the request in some readable form. */
  static void checkText(Attack attack, String request) {
    String attacked = attack.apply(request);
    assertEquals(attacked, attack.apply(request), attack.name() + ": the same request gives the same text");
    assertFalse(attacked.isBlank(), attack.name() + ": attacked text is not empty");
    assertNotEquals(request, attacked, attack.name() + ": attacked text differs from the request");
    assertTrue(carriedForm(attacked, request) != null,
        attack.name() + ": attacked text carries the request (plain or encoded): " + request);
  }

  /**
   * A form in which an attacked text may hold the request: its name, the request in that form, and the way back to
   * the request ({@code null} for a lossy form such as disemvowelling).
   */
  record Form(String name, String text, UnaryOperator<String> decode) {
    boolean encoded() {
      return !name.equals("plain") && !name.equals("json");
    }
  }

  /** The forms an attack may carry the request in, tried in this order (plain last: most encodings contain it). */
  static List<Form> forms(String request) {
    String json = Json.line(request);
    return List.of(
        new Form("json", json.substring(1, json.length() - 1), null),
        new Form("base64", Encodings.base64(request), Encodings::fromBase64),
        new Form("hex", Encodings.hex(request), Encodings::fromHex),
        new Form("rot13", Encodings.rot13(request), Encodings::rot13),
        new Form("leet", Encodings.leet(request), Encodings::fromLeet),
        new Form("reversed", Encodings.reverse(request), Encodings::reverse),
        new Form("disemvowel", Encodings.disemvowel(request), null),
        new Form("plain", request, UnaryOperator.identity()));
  }

  /** The first form in which the attacked text holds the request, or null when it holds none. */
  static Form carried(String attacked, String request) {
    for (Form form : forms(request)) {
      if (attacked.contains(form.text())) {
        return form;
      }
    }
    return null;
  }

  /** The text of {@link #carried}, or null. */
  static String carriedForm(String attacked, String request) {
    Form form = carried(attacked, request);
    return form == null ? null : form.text();
  }

  /**
   * An encoded request stands on lines of its own, so that the reader can tell where it starts and ends (a base64
   * block glued to a word cannot be decoded), and what stands there decodes back to the request.
   */
  static void anEncodedRequestStandsApartAndDecodes(Attack attack, String request) {
    String attacked = attack.apply(request);
    Form form = carried(attacked, request);
    if (form == null || !form.encoded() || form.text().equals(request) || form.text().isEmpty()) {
      return;
    }
    int start = attacked.indexOf(form.text());
    int end = start + form.text().length();
    assertTrue(start == 0 || attacked.charAt(start - 1) == '\n',
        attack.name() + ": the " + form.name() + " request starts a line");
    assertTrue(end == attacked.length() || attacked.charAt(end) == '\n',
        attack.name() + ": the " + form.name() + " request ends a line");
    if (form.decode() != null) {
      assertEquals(request, form.decode().apply(attacked.substring(start, end)),
          attack.name() + ": the " + form.name() + " request decodes back to the request");
    }
  }

  /**
   * A combination is exactly its parts: each {@code +}-joined part of its name is a registered attack, and applying
   * them in order, innermost first, gives its text.
   */
  static void aCombinationIsItsParts(Attack attack, String request) {
    if (!attack.family().equals("combination")) {
      assertFalse(attack.name().contains("+"), attack.name() + ": only a combination has '+' in its name");
      return;
    }
    String[] parts = attack.name().split("\\+");
    assertTrue(parts.length >= 2, attack.name() + ": a combination has at least two parts");
    String text = request;
    for (String part : parts) {
      Attack step = Attacks.find(part).orElse(null);
      assertTrue(step != null, attack.name() + ": part '" + part + "' is a registered attack");
      assertFalse(step.family().equals("combination"), attack.name() + ": part '" + part + "' is not itself a combination");
      text = step.apply(text);
    }
    assertEquals(text, attack.apply(request), attack.name() + ": is its parts applied innermost first");
  }

  /** The attacked prompt names its attack and family, keeps the plain request and labels, and has a stable id. */
  static void keepsTheRequestAndLabelsThePrompt(Attack attack) {
    Prompt plain = new Prompt(
        null,
        List.of(Message.system("Be helpful."), Message.user("How do tides work?")),
        "violence",
        Style.REFUSE,
        "unit",
        null,
        null,
        Map.of("row", 7));
    Prompt attacked = attack.apply(plain);

    assertEquals(attack.name(), attacked.attack());
    assertEquals(attack.family(), attacked.metadata().get(Attack.FAMILY_KEY));
    assertEquals(7, attacked.metadata().get("row"), attack.name() + ": keeps the source metadata");
    assertEquals("How do tides work?", attacked.originalRequest());
    assertEquals("How do tides work?", attacked.request());
    assertEquals(attack.apply("How do tides work?"), attacked.text());
    assertEquals(plain.messages().get(0), attacked.messages().get(0), attack.name() + ": keeps the system message");
    assertEquals("violence", attacked.category());
    assertEquals(Style.REFUSE, attacked.expected());
    assertEquals("unit", attacked.source());

    assertEquals(attacked, attack.apply(plain), attack.name() + ": applying twice gives equal prompts");
    assertEquals(Prompt.idFor("unit", attack.name(), attacked.messages()), attacked.id());
    assertNotEquals(plain.id(), attacked.id(), attack.name() + ": an attacked prompt has its own id");
    Prompt other = Attacks.find("rot13").orElseThrow().apply(plain);
    assertEquals(attacked, attack.apply(other), attack.name() + ": attacks start from the plain request");
  }

  /**
   * With the request taken out, what is left is the attack's template: it comes from a small fixed set (the
   * attack adds nothing that varies with the request beyond choosing among its variants), holds no forbidden
   * word, and any line that looks like compliance ends in a content-free placeholder.
   */
  static void addsOnlyItsOwnHarmlessTemplate(Attack attack) {
    Set<String> templates = new LinkedHashSet<>();
    for (String request : sampleRequests()) {
      String attacked = attack.apply(request);
      templates.add(attacked.replace(carriedForm(attacked, request), "{REQUEST}"));
    }
    assertTrue(templates.size() <= MAX_VARIANTS,
        attack.name() + ": the text around the request comes from a few fixed variants, found " + templates.size());
    for (String template : templates) {
      assertTrue(template.contains("{REQUEST}"), attack.name() + ": template holds the request");
      String lower = template.toLowerCase();
      for (String word : FORBIDDEN_IN_TEMPLATES) {
        assertFalse(lower.contains(word), attack.name() + ": template contains '" + word + "'");
      }
      for (String line : template.split("\n")) {
        if (line.toLowerCase().contains("here is how to")) {
          assertTrue(line.contains("[steps withheld]"), attack.name() + ": compliance example is a placeholder: " + line);
        }
      }
    }
  }
}
