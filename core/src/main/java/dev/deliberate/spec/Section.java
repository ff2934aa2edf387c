package dev.deliberate.spec;

/**
 * A headed part of the spec below a category or the styles heading.
 *
 * @param anchor stable id, e.g. {@code violence-disallowed}; citations in chains of thought use it
 * @param title heading text without the anchor
 * @param kind what the section is: {@code disallowed}, {@code allowed}, {@code edge-cases}, {@code style}, or {@code other}
 * @param text the Markdown body below the heading
 * @param line 1-based line of the heading in the spec file
 */
public record Section(String anchor, String title, String kind, String text, int line) {}
