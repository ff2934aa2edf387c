package dev.deliberate.report;

import dev.deliberate.spec.Category;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.Style;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spec's sections by anchor, in document order, for the report to embed and link citations to: each category
 * (with its summary), its sub-sections, and the style sections.
 */
public record SpecText(String name, Map<String, Section> sections) {
  /** One linkable part of the spec; {@code level} 2 for categories and styles, 3 for a category's sub-sections. */
  public record Section(String anchor, String title, int level, String text) {}

  public static final SpecText NONE = new SpecText(null, Map.of());

  public static SpecText of(Spec spec) {
    Map<String, Section> sections = new LinkedHashMap<>();
    for (Category c : spec.categories()) {
      sections.put(c.anchor(), new Section(c.anchor(), c.title(), 2, c.summary()));
      for (dev.deliberate.spec.Section s : c.sections()) {
        sections.put(s.anchor(), new Section(s.anchor(), c.title() + ": " + s.title(), 3, s.text().strip()));
      }
    }
    for (Style style : Style.values()) {
      dev.deliberate.spec.Section s = spec.styles().get(style);
      if (s != null) {
        sections.put(s.anchor(), new Section(s.anchor(), s.title(), 2, s.text().strip()));
      }
    }
    return new SpecText(spec.id() + " " + spec.version(), sections);
  }
}
