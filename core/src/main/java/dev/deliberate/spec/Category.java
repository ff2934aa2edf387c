package dev.deliberate.spec;

import java.util.List;
import java.util.Optional;

/**
 * One content category of the spec: a heading with a stable anchor and its sub-sections.
 *
 * @param anchor the stable id ({@code violence}), used in prompts' labels and in citations
 * @param title the heading text without the anchor
 * @param defaultStyle the style the front matter gives for requests in this category (null only in a spec that
 *     failed linting and was read leniently)
 * @param summary the one-line summary used in excerpts of other categories
 * @param body the full Markdown text of the category, heading and sub-sections included
 * @param sections the sub-sections (disallowed, allowed, edge cases, ...) in document order
 * @param line the 1-based line of the heading in the spec file
 */
public record Category(
    String anchor, String title, Style defaultStyle, String summary, String body, List<Section> sections, int line) {
  public Category {
    sections = List.copyOf(sections);
  }

  /** The first sub-section of this kind ({@code disallowed}, {@code allowed}, {@code edge-cases}, {@code other}). */
  public Optional<Section> section(String kind) {
    return sections.stream().filter(s -> s.kind().equals(kind)).findFirst();
  }
}
