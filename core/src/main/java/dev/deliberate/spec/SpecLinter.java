package dev.deliberate.spec;

import dev.deliberate.spec.SpecParser.Heading;
import dev.deliberate.spec.SpecParser.Parsed;
import dev.deliberate.spec.SpecParser.TextLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a spec and reports every problem it can find at once, each naming the file, the line, and what was
 * expected. The layout it checks against is described on {@link SpecParser}.
 *
 * <p>Checks: the front matter is present and well-formed; every category, sub-section and style heading has a
 * valid anchor, used once; each category has a disallowed and an allowed section (and, as a warning, edge cases);
 * sub-section anchors follow {@code CATEGORY-disallowed|allowed|edge-cases}; styles are known (front matter and
 * style headings) and each has a section; no section is empty; every {@code #anchor} citation in the text names
 * an anchor that exists; the front matter and the headings list the same categories with the same titles and
 * default styles.
 *
 * <p>Other parts of the toolkit can add their own findings against a parsed spec with a {@link Check}, or by
 * building {@link Finding}s themselves and merging them.
 */
public final class SpecLinter {
  /** A citation: {@code #anchor} not preceded by a word, {@code {}, {@code &}, {@code /} or another {@code #}. */
  private static final Pattern CITATION = Pattern.compile("(?<![\\w{&/#])#([a-z][a-z0-9]*(?:-[a-z0-9]+)*)");
  private static final List<String> REQUIRED = List.of("disallowed", "allowed");

  /** An extra check run after the built-in ones on the spec as far as it could be read. */
  @FunctionalInterface
  public interface Check {
    List<Finding> check(Spec spec);
  }

  private SpecLinter() {}

  /** Lints the spec in this file. An unreadable or non-UTF-8 file is a {@link dev.deliberate.BadInputException}. */
  public static List<Finding> lint(Path file, Check... extra) {
    return lint(file, SpecParser.readText(file), extra);
  }

  /** Lints spec text; the file only names the place in findings and may be null. */
  public static List<Finding> lint(Path file, String text, Check... extra) {
    Parsed parsed = SpecParser.parseLenient(file, text);
    List<Finding> findings = new ArrayList<>(lint(parsed));
    for (Check check : extra) {
      findings.addAll(check.check(parsed.spec()));
    }
    return sorted(findings);
  }

  /** Lints a spec that was already parsed (its text is checked again, so the findings are the same as for its file). */
  public static List<Finding> lint(Spec spec, Check... extra) {
    return lint(spec.source(), spec.text(), extra);
  }

  /** {@code N errors, M warnings}, the last line {@code spec lint} prints. */
  public static String summary(List<Finding> findings) {
    long errors = findings.stream().filter(Finding::isError).count();
    long warnings = findings.size() - errors;
    return errors + (errors == 1 ? " error, " : " errors, ") + warnings + (warnings == 1 ? " warning" : " warnings");
  }

  static List<Finding> lint(Parsed parsed) {
    List<Finding> findings = new ArrayList<>(parsed.findings());
    new Run(parsed, findings).all();
    return sorted(findings);
  }

  private static List<Finding> sorted(List<Finding> findings) {
    return findings.stream().distinct()
        .sorted(Comparator.comparingInt(Finding::line).thenComparing(Finding::severity))
        .toList();
  }

  /** One linting pass over one parsed spec. */
  private record Run(Parsed parsed, List<Finding> findings) {
    void all() {
      if (!parsed.bodyRead()) {
        return; // the parser's finding says why; nothing else can be checked
      }
      anchorsAreUnique();
      partsExist();
      firstOfEachAnchor(parsed.spec().categories()).forEach(this::category);
      styles();
      frontMatterMatchesHeadings();
      citationsResolve();
      looseText();
    }

    private Path file() {
      return parsed.file();
    }

    private void error(int line, String message) {
      findings.add(Finding.error(file(), line, message));
    }

    private void warning(int line, String message) {
      findings.add(Finding.warning(file(), line, message));
    }

    private void anchorsAreUnique() {
      Map<String, Integer> first = new HashMap<>();
      for (Heading heading : parsed.headings()) {
        if (heading.anchor() == null) {
          continue;
        }
        Integer earlier = first.putIfAbsent(heading.anchor(), heading.line());
        if (earlier != null) {
          error(heading.line(), "duplicate anchor {#" + heading.anchor() + "} (first used on line " + earlier
              + "); expected each anchor once");
        }
      }
    }

    private void partsExist() {
      if (parsed.categoriesLine() == 0) {
        error(parsed.firstBodyLine(), "the spec has no '# Categories' heading; expected a top-level '# Categories' "
            + "followed by one '## Title {#anchor}' per category");
      } else if (parsed.spec().categories().isEmpty()
          && parsed.headings().stream().noneMatch(h -> h.part() == SpecParser.Part.CATEGORIES && h.level() == 2)) {
        error(parsed.categoriesLine(), "'# Categories' holds no category; expected one '## Title {#anchor}' per "
            + "category below it");
      }
    }

    private void category(Category category) {
      String anchor = category.anchor();
      for (String kind : REQUIRED) {
        if (category.section(kind).isEmpty()) {
          error(category.line(), "category {#" + anchor + "} has no " + kind + " section; expected '### "
              + title(kind) + " {#" + anchor + "-" + kind + "}'");
        }
      }
      if (category.section("edge-cases").isEmpty()) {
        warning(category.line(), "category {#" + anchor + "} has no edge-cases section; expected '### Edge cases {#"
            + anchor + "-edge-cases}'");
      }
      for (Section section : category.sections()) {
        String expected = anchor + "-" + section.kind();
        if (!section.kind().equals("other") && !section.anchor().equals(expected)) {
          error(section.line(), "'" + section.title() + "' under {#" + anchor + "} has anchor {#" + section.anchor()
              + "}; expected {#" + expected + "}");
        } else if (section.kind().equals("other") && !section.anchor().startsWith(anchor + "-")) {
          warning(section.line(), "sub-section anchor {#" + section.anchor() + "} does not start with its category's; "
              + "expected {#" + anchor + "-...}");
        }
        emptySection(section);
      }
      if (category.summary() == null || category.summary().isBlank()) {
        warning(category.line(), "category {#" + anchor + "} has no summary; expected a first paragraph below the "
            + "heading, or 'summary:' in its front matter entry");
      }
      defaultStyleLine(category);
    }

    /** A {@code Default style: X} line in the category text must agree with the front matter; without one, excerpts do not show it. */
    private void defaultStyleLine(Category category) {
      TextLine stated = null;
      for (TextLine line : parsed.categoryIntros().getOrDefault(category.anchor(), List.of())) {
        if (SpecParser.defaultStyleStated(line.text()) != null) {
          stated = line;
          break;
        }
      }
      if (stated == null) {
        if (category.defaultStyle() != null) {
          warning(category.line(), "category {#" + category.anchor() + "} does not state its default style; expected "
              + "a line '**Default style:** " + category.defaultStyle().wireName() + "' so that excerpts show it");
        }
        return;
      }
      String name = SpecParser.defaultStyleStated(stated.text());
      Style style = SpecParser.styleOrNull(name);
      if (style == null) {
        error(stated.line(), "unknown style '" + name + "'; expected one of " + Style.names());
      } else if (category.defaultStyle() != null && style != category.defaultStyle()) {
        error(stated.line(), "category {#" + category.anchor() + "} states default style '" + name
            + "' but the front matter says '" + category.defaultStyle().wireName() + "'; expected the same style in both");
      }
    }

    private void emptySection(Section section) {
      String text = section.text().replaceAll("(?s)<!--.*?(-->|$)", "");
      if (text.isBlank()) {
        error(section.line(), "section {#" + section.anchor() + "} is empty; expected text below its heading");
      }
    }

    private void styles() {
      for (Section section : parsed.styleSections()) {
        String anchor = section.anchor();
        if (!anchor.startsWith("style-")) {
          error(section.line(), "style section {#" + anchor + "} does not name a style; expected one of "
              + styleAnchors());
        } else if (SpecParser.styleOrNull(anchor.substring("style-".length())) == null) {
          error(section.line(), "unknown style '" + anchor.substring("style-".length()) + "' in {#" + anchor
              + "}; expected one of " + styleAnchors());
        }
        emptySection(section);
      }
      if (parsed.stylesLine() == 0) {
        error(parsed.categoriesLine() > 0 ? parsed.categoriesLine() : parsed.firstBodyLine(), "the spec has no "
            + "'# Styles' heading; expected a top-level '# Styles' with '## Comply {#style-comply}', "
            + "'## Refuse {#style-refuse}' and '## Safe completion {#style-safe-complete}' below it");
        return;
      }
      boolean headingsMissingAnchors = parsed.headings().stream()
          .anyMatch(h -> h.part() == SpecParser.Part.STYLES && h.level() == 2 && h.anchor() == null);
      for (Style style : Style.values()) {
        if (!parsed.spec().styles().containsKey(style) && !headingsMissingAnchors) {
          error(parsed.stylesLine(), "no section for style '" + style.wireName() + "'; expected '## "
              + Spec.styleTitle(style) + " {#style-" + style.wireName() + "}' under '# Styles'");
        }
      }
    }

    private void frontMatterMatchesHeadings() {
      FrontMatter frontMatter = parsed.frontMatter();
      if (frontMatter == null || frontMatter.categories().isEmpty() || parsed.categoriesLine() == 0) {
        return;
      }
      Map<String, FrontMatter.Entry> listed = new LinkedHashMap<>();
      for (FrontMatter.Entry entry : frontMatter.categories()) {
        if (listed.putIfAbsent(entry.anchor(), entry) != null) {
          error(entry.line(), "front matter lists category '" + entry.anchor() + "' twice; expected each category once");
        }
        if (entry.style() != null && SpecParser.styleOrNull(entry.style()) == null) {
          error(entry.styleLine(), "unknown style '" + entry.style() + "' for category '" + entry.anchor()
              + "'; expected one of " + Style.names());
        }
      }
      Set<String> headed = new LinkedHashSet<>();
      for (Heading heading : parsed.headings()) {
        if (heading.part() == SpecParser.Part.CATEGORIES && heading.level() == 2 && heading.anchor() != null) {
          headed.add(heading.anchor());
        }
      }
      // A category heading without an anchor is already reported; matching it against the list would only repeat that.
      boolean unanchored = parsed.headings().stream()
          .anyMatch(h -> h.part() == SpecParser.Part.CATEGORIES && h.level() == 2 && h.anchor() == null);
      for (FrontMatter.Entry entry : listed.values()) {
        if (!headed.contains(entry.anchor()) && !unanchored) {
          error(entry.line(), "front matter lists category '" + entry.anchor() + "' but no heading has that anchor; "
              + "expected '## Title {#" + entry.anchor() + "}' under '# Categories'");
        }
      }
      for (Category category : firstOfEachAnchor(parsed.spec().categories())) {
        FrontMatter.Entry entry = listed.get(category.anchor());
        if (entry == null) {
          error(category.line(), "category {#" + category.anchor() + "} is not in the front matter; expected an entry "
              + "'- anchor: " + category.anchor() + "' with its default_style");
        } else if (entry.title() != null && !entry.title().strip().equals(category.title())) {
          error(entry.titleLine(), "front matter title '" + entry.title().strip() + "' for '" + category.anchor()
              + "' differs from the heading '" + category.title() + "' on line " + category.line()
              + "; expected the same title in both");
        }
      }
    }

    /** A second category with an anchor already used is reported as a duplicate; checking its content too would only add noise. */
    private static List<Category> firstOfEachAnchor(List<Category> categories) {
      Set<String> seen = new java.util.HashSet<>();
      return categories.stream().filter(c -> seen.add(c.anchor())).toList();
    }

    private void citationsResolve() {
      Set<String> known = new LinkedHashSet<>();
      parsed.headings().stream().filter(h -> h.anchor() != null).forEach(h -> known.add(h.anchor()));
      for (TextLine line : parsed.prose()) {
        Matcher m = CITATION.matcher(line.text());
        while (m.find()) {
          String cited = m.group(1);
          if (!known.contains(cited)) {
            error(line.line(), "citation #" + cited + " names no anchor in this spec; expected an existing anchor"
                + closest(cited, known).map(s -> ", e.g. #" + s).orElse(""));
          }
        }
      }
    }

    private void looseText() {
      // One warning, at the first such line, is enough to point at the place.
      if (!parsed.looseText().isEmpty()) {
        warning(parsed.looseText().get(0).line(), "text outside any category or style section is left out of "
            + "excerpts; expected it in the preamble or under a '##' heading");
      }
    }

    private static String styleAnchors() {
      return List.of(Style.values()).stream().map(s -> "{#style-" + s.wireName() + "}").collect(Collectors.joining(", "));
    }

    private static String title(String kind) {
      String words = kind.replace('-', ' ');
      return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
  }

  /** The known anchor nearest to a mistyped one, when it is near enough to be a likely typo. */
  static java.util.Optional<String> closest(String cited, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(cited, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, cited.length() / 4) ? java.util.Optional.of(best) : java.util.Optional.empty();
  }

  /** Levenshtein edit distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
