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
                    + "; expected one of " + categories.stream().map(Category::anchor).collect(Collectors.joining(", "))));
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
   * spec(category): what the generator and the judge see for a prompt of this category. In order: the preamble
   * (HTML comments removed), the full text of this category under {@code # Categories}, a one-line summary of
   * every other category with its anchor and default style, and every style section under {@code # Styles}.
   * Headings keep their levels and anchors, so citations in the excerpt name the same anchors as the file.
   */
  public String excerpt(String anchor) {
    return excerpt(category(anchor));
  }

  /**
   * The spec for a conversation of no known category: like {@link #excerpt} with no category in full, every
   * category by its one-line summary.
   */
  public String overview() {
    return excerpt((Category) null);
  }

  private String excerpt(Category focus) {
    StringBuilder out = new StringBuilder();
    String intro = withoutComments(preamble).strip();
    out.append(intro.isEmpty() ? "# Safety spec " + id + " (version " + version + ")" : intro).append("\n\n");
    out.append("# Categories\n\n");
    if (focus != null) {
      out.append(withoutComments(focus.body()).strip()).append("\n\n");
    }
    out.append(focus == null ? "## Categories (summaries)\n\n" : "## Other categories (summaries)\n\n");
    for (Category other : categories) {
      if (other != focus) {
        out.append("- ").append(other.title()).append(" {#").append(other.anchor()).append("} (default style: ")
            .append(other.defaultStyle() == null ? "?" : other.defaultStyle().wireName()).append("): ")
            .append(other.summary()).append('\n');
      }
    }
    out.append("\n# Styles\n");
    for (Style style : Style.values()) {
      Section section = styles.get(style);
      if (section != null) {
        out.append("\n## ").append(section.title()).append(" {#").append(section.anchor()).append("}\n\n")
            .append(withoutComments(section.text()).strip()).append('\n');
      }
    }
    return out.toString();
  }

  /** The heading title a style section is expected to have. */
  static String styleTitle(Style style) {
    return switch (style) {
      case COMPLY -> "Comply";
      case REFUSE -> "Refuse";
      case SAFE_COMPLETE -> "Safe completion";
    };
  }

  /** Notes for spec authors live in HTML comments; models never need them. */
  private static String withoutComments(String markdown) {
    return markdown.replaceAll("(?s)<!--.*?-->[ \\t]*\\n?", "");
  }

  /**
   * SHA-256 (hex) of the normalised text: every run of whitespace (line ends, indentation, blank lines) becomes
   * one space, so reflowing or re-indenting keeps the hash while any change to a word, anchor or front matter
   * value changes it. Run manifests record it to say which spec a run used.
   */
  public String hash() {
    return Hashes.sha256Hex(normalise(text));
  }

  static String normalise(String markdown) {
    return markdown.strip().replaceAll("\\s+", " ");
  }
}
