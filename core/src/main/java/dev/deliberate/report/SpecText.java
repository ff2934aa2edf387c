package dev.deliberate.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spec's sections by anchor, for the report to embed and link citations to: every Markdown heading carrying
 * an anchor ({@code ## Violence {#violence}}) starts a section that runs to the next heading of the same or a
 * higher level.
 *
 * <p>Glue: when the spec parser lands, build this from {@code Spec} (its categories and sections) instead.
 */
public record SpecText(String name, Map<String, Section> sections) {
  public record Section(String anchor, String title, int level, String text) {}

  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*\\{#([A-Za-z0-9_-]+)\\}\\s*$");

  public static final SpecText NONE = new SpecText(null, Map.of());

  public static SpecText fromMarkdown(String name, String markdown) {
    String[] lines = markdown.replace("\r\n", "\n").split("\n", -1);
    Map<String, Section> sections = new LinkedHashMap<>();
    for (int i = 0; i < lines.length; i++) {
      Matcher m = HEADING.matcher(lines[i]);
      if (!m.matches()) {
        continue;
      }
      int level = m.group(1).length();
      StringBuilder body = new StringBuilder();
      for (int j = i + 1; j < lines.length; j++) {
        Matcher next = Pattern.compile("^(#{1,6})\\s").matcher(lines[j]);
        if (next.find() && next.group(1).length() <= level) {
          break;
        }
        body.append(lines[j]).append('\n');
      }
      sections.put(m.group(3), new Section(m.group(3), m.group(2), level, body.toString().strip()));
    }
    return new SpecText(name, sections);
  }
}
