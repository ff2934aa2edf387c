package dev.deliberate.spec;

import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A parsed safety spec. Build one with {@link SpecParser#parse(Path)}; it is immutable.
 *
 * @param id the spec id from the front matter
 * @param version the spec version from the front matter
 * @param preamble the Markdown text before the first category (purpose, how to read the spec)
 * @param categories the categories in document order
 * @param styles one section per style (comply, refuse, safe-complete)
 * @param source the file it was read from, for error messages (may be null)
 * @param text the whole source text, as read
 */
public record Spec(
    String id,
    String version,
    String preamble,
    List<Category> categories,
    Map<Style, Section> styles,
    Path source,
    String text) {
  public Spec {
    categories = List.copyOf(categories);
    styles = Map.copyOf(styles);
  }

  public Optional<Category> findCategory(String anchor) {
    return categories.stream().filter(c -> c.anchor().equals(anchor)).findFirst();
  }

  /** The category with this anchor; a clear error naming the known anchors when there is none. */
  public Category category(String anchor) {
    return findCategory(anchor)
        .orElseThrow(
            () -> new BadInputException(
                "unknown category '" + anchor + "'" + (source == null ? "" : " in " + source)
                    + ": expected one of " + categories.stream().map(Category::anchor).collect(Collectors.joining(", "))));
  }

  /** Every anchor a citation may name: categories, their sections and the style sections. */
  public Set<String> anchors() {
    Set<String> anchors = new LinkedHashSet<>();
    for (Category category : categories) {
      anchors.add(category.anchor());
      category.sections().forEach(s -> anchors.add(s.anchor()));
    }
    styles.values().forEach(s -> anchors.add(s.anchor()));
    return anchors;
  }

  /**
   * spec(category): what the generator and the judge see for a prompt of this category — the full text of the
   * category, a one-line summary of every other category, and all style sections.
   */
  public String excerpt(String anchor) {
    Category focus = category(anchor);
    StringBuilder out = new StringBuilder();
    out.append("# Safety spec ").append(id).append(" (version ").append(version).append(")\n\n");
    if (!preamble.isBlank()) {
      out.append(preamble.strip()).append("\n\n");
    }
    out.append(focus.body().strip()).append("\n\n");
    out.append("## Other categories (summaries)\n\n");
    for (Category other : categories) {
      if (!other.anchor().equals(anchor)) {
        out.append("- ").append(other.title()).append(" {#").append(other.anchor()).append("} — default style ")
            .append(other.defaultStyle().wireName()).append(": ").append(other.summary()).append('\n');
      }
    }
    out.append("\n## Styles\n");
    for (Style style : Style.values()) {
      Section section = styles.get(style);
      if (section != null) {
        out.append("\n### ").append(section.title()).append(" {#").append(section.anchor()).append("}\n\n")
            .append(section.text().strip()).append('\n');
      }
    }
    return out.toString();
  }

  /** SHA-256 of the normalised text: runs of whitespace collapse and line ends are unified, so reflowing a paragraph keeps the hash. */
  public String hash() {
    return Hashes.sha256Hex(normalise(text));
  }

  static String normalise(String markdown) {
    return markdown.replace("\r\n", "\n").replaceAll("\\s+", " ").strip();
  }
}
