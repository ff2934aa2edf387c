package dev.deliberate.attack;

import dev.deliberate.VersionedText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Our instructions to attacker models, one section per task ({@code translate}, {@code persuasion}, {@code pair-first},
 * ...), in {@code dev/deliberate/attack/attacker.md}. They frame the attacker as a red-teaming assistant and never
 * contain an answer to any request. Like the stage-1 prompt, the file is versioned and its hash goes into the
 * manifest ({@link #version}, {@link #hash}) and into every model-driven attack's key, so new wording asks again.
 */
public final class AttackerInstructions {
  private static final VersionedText TEXT = VersionedText.load(AttackerInstructions.class, "attacker.md");
  private static final Map<String, String> SECTIONS = sections(TEXT.body());

  private AttackerInstructions() {}

  public static String version() {
    return TEXT.version();
  }

  /** SHA-256 of the file as shipped. */
  public static String hash() {
    return TEXT.hash();
  }

  /** What a manifest records of the instructions attackers are given: their version and hash. */
  public static Map<String, Object> provenance() {
    return Map.of("version", version(), "sha256", hash());
  }

  /** The section called {@code name}, with each {@code {{KEY}}} replaced by its value. */
  static String section(String name, Map<String, String> fill) {
    String text = SECTIONS.get(name);
    if (text == null) {
      throw new IllegalStateException("attacker.md has no section '" + name + "'");
    }
    for (Map.Entry<String, String> e : fill.entrySet()) {
      text = text.replace("{{" + e.getKey() + "}}", e.getValue());
    }
    return text;
  }

  static String section(String name) {
    return section(name, Map.of());
  }

  private static Map<String, String> sections(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    String name = null;
    StringBuilder text = new StringBuilder();
    for (String line : body.split("\n", -1)) {
      if (line.startsWith("## ")) {
        if (name != null) {
          out.put(name, text.toString().strip());
        }
        name = line.substring(3).strip();
        text.setLength(0);
      } else {
        text.append(line).append('\n');
      }
    }
    if (name != null) {
      out.put(name, text.toString().strip());
    }
    return Map.copyOf(out);
  }
}
