package dev.deliberate.spec;

import java.util.List;

/**
 * One content category of the spec: a heading with a stable anchor and its sub-sections.
 *
 * @param anchor the stable id ({@code violence}), used in prompts' labels and in citations
 * @param title the heading text without the anchor
 * @param defaultStyle the style the front matter gives for requests in this category
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
}
