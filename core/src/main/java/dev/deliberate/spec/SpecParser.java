package dev.deliberate.spec;

import dev.deliberate.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a safety spec written in Markdown. The layout, in order:
 *
 * <pre>
 * ---                                   YAML front matter
 * id: default
 * version: "1.0"
 * categories:
 *   - anchor: violence                  one entry per category heading, same anchors
 *     default_style: refuse             comply | refuse | safe-complete
 *     title: Violence                   optional; must equal the heading text when given
 *     summary: One line.                optional; else the category's first paragraph
 * ---
 * # Any title                           preamble: everything before "# Categories" (no anchors needed)
 * # Categories                          the categories part (an H1 titled "Categories")
 * ## Violence {#violence}               one H2 per category, with its anchor
 * First paragraph: the one-line summary.
 * **Default style:** refuse             optional line; must agree with the front matter
 * ### Disallowed {#violence-disallowed} required
 * ### Allowed {#violence-allowed}       required
 * ### Edge cases {#violence-edge-cases} expected (a warning when missing)
 * ### Anything else {#violence-notes}   allowed; kind "other"
 * # Styles                              the styles part (an H1 titled "Styles")
 * ## Comply {#style-comply}             one H2 per style: style-comply, style-refuse, style-safe-complete
 * </pre>
 *
 * Headings are ATX headings starting in column 0; anchors are written {@code {#lower-case-words}} at the end of
 * the heading. Headings of level 4 and below are ordinary text of the section they sit in. Lines inside fenced
 * code blocks and HTML comments are never headings. Citations elsewhere in the text are written {@code #anchor}.
 *
 * <p>{@link #parse(Path)} rejects a spec with lint errors (the first one, with a count of the rest); the linter
 * uses the lenient {@link #parseLenient(Path, String)} so that it can report every problem at once.
 */
public final class SpecParser {
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})(?:[ \\t]+(.*?))?[ \\t]*$");
  private static final Pattern ANCHOR = Pattern.compile("\\{#([^}]*)}\\s*$");
  static final Pattern VALID_ANCHOR = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");
  private static final Pattern DEFAULT_STYLE_LINE =
      Pattern.compile("^[*_\\s-]*default style[*_\\s]*:[*_\\s]*([A-Za-z][A-Za-z_-]*)", Pattern.CASE_INSENSITIVE);

  private SpecParser() {}

  /** Reads, parses and lints the spec in this file; a spec with lint errors is rejected with the first of them. */
  public static Spec parse(Path file) {
    return parse(file, readText(file));
  }

  /** Parses spec text (the file is used for messages and may be null); rejects a spec with lint errors. */
  public static Spec parse(Path file, String text) {
    Parsed parsed = parseLenient(file, text);
    List<Finding> errors = SpecLinter.lint(parsed).stream().filter(Finding::isError).toList();
    if (!errors.isEmpty()) {
      String more = errors.size() == 1 ? "" : " (and " + (errors.size() - 1) + " more; run 'deliberate spec lint "
          + (file == null ? "FILE" : file) + "' to see them all)";
      throw new BadInputException(errors.get(0).where() + more);
    }
    return parsed.spec();
  }

  /**
   * Reads a text file as strict UTF-8 (a leading byte-order mark is dropped). A missing, unreadable or
   * non-UTF-8 file is a {@link BadInputException} naming the file.
   */
  public static String readText(Path file) {
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw new BadInputException(file + ": is a directory; expected a spec file");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new BadInputException(file + ": permission denied");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new BadInputException(file + ": not valid UTF-8 (byte offset " + in.position() + "); expected a UTF-8 text file");
    }
    String text = out.flip().toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** A heading of the spec: level 1..6, title without the anchor, anchor or null, 1-based line, part it opens or sits in. */
  record Heading(int level, String title, String anchor, int line, Part part) {}

  /** A line of running text (not a heading, code block or comment) with its 1-based line, for citation checks. */
  record TextLine(int line, String text) {}

  enum Part { PREAMBLE, CATEGORIES, STYLES, OTHER }

  /**
   * Everything the linter needs: the spec as far as it could be read, the raw headings and text lines, the
   * front matter (null when missing or unreadable), whether the body could be read at all (not when the front
   * matter never ends), where the parts start (0 when absent), and the problems the parser already found.
   */
  record Parsed(
      Path file,
      Spec spec,
      FrontMatter frontMatter,
      List<Heading> headings,
      List<TextLine> prose,
      Map<String, List<TextLine>> categoryIntros,
      List<Section> styleSections,
      List<TextLine> looseText,
      boolean bodyRead,
      int firstBodyLine,
      int categoriesLine,
      int stylesLine,
      List<Finding> findings) {}

  /** Parses without judging: problems that stop a heading from being understood become findings. */
  static Parsed parseLenient(Path file, String text) {
    List<Finding> findings = new ArrayList<>();
    List<String> lines = text.lines().toList();
    FrontMatter frontMatter = null;
    int body = 0;
    if (!lines.isEmpty() && lines.get(0).strip().equals("---")) {
      int end = -1;
      for (int i = 1; i < lines.size(); i++) {
        String s = lines.get(i).strip();
        if (s.equals("---") || s.equals("...")) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        findings.add(Finding.error(file, 1, "front matter opened by '---' is never closed; expected a line '---' "
            + "after the YAML"));
        Spec empty = new Spec(null, null, "", List.of(), Map.of(), file, text);
        return new Parsed(file, empty, null, List.of(), List.of(), Map.of(), List.of(), List.of(), false, 1, 0, 0,
            findings);
      }
      frontMatter = FrontMatter.read(file, String.join("\n", lines.subList(1, end)), 2, findings);
      body = end + 1;
    } else {
      findings.add(Finding.error(file, 1, "the spec has no front matter; expected a first line '---', then YAML "
          + "with id, version and categories, then '---'"));
    }
    Builder builder = new Builder(file, frontMatter, findings);
    for (int i = body; i < lines.size(); i++) {
      builder.line(i + 1, lines.get(i));
    }
    return builder.finish(text, body + 1);
  }

  /** Walks the lines once, keeping the current part, category and section open until the next heading closes them. */
  private static final class Builder {
    private final Path file;
    private final FrontMatter frontMatter;
    private final List<Finding> findings;
    private final List<Heading> headings = new ArrayList<>();
    private final List<TextLine> prose = new ArrayList<>();
    private final List<Category> categories = new ArrayList<>();
    private final Map<String, List<TextLine>> intros = new LinkedHashMap<>();
    private final List<Section> styleSections = new ArrayList<>();
    private final List<TextLine> looseText = new ArrayList<>();
    private final StringBuilder preamble = new StringBuilder();
    private Part part = Part.PREAMBLE;
    private int categoriesLine;
    private int stylesLine;
    private String fence;
    private boolean inComment;
    // True while the text under a heading without an anchor is being passed over (already reported).
    private boolean skipping;
    // The open category (null when none, or when its heading had no anchor and its text is skipped).
    private Heading category;
    private StringBuilder categoryBody;
    private List<TextLine> categoryIntro;
    private List<Section> sections;
    // The open sub-section or style section.
    private Heading section;
    private StringBuilder sectionText;

    Builder(Path file, FrontMatter frontMatter, List<Finding> findings) {
      this.file = file;
      this.frontMatter = frontMatter;
      this.findings = findings;
    }

    void line(int number, String line) {
      Heading heading = fence == null && !inComment ? heading(number, line) : null;
      if (heading == null) {
        text(number, line);
      } else {
        open(heading, line);
      }
    }

    /** Ordinary text: goes to the open section, category, or preamble; fences and comments are tracked. */
    private void text(int number, String line) {
      String s = line.strip();
      boolean running = fence == null && !inComment;
      if (inComment) {
        inComment = !line.contains("-->");
      } else if (fence != null) {
        fence = s.startsWith(fence) ? null : fence;
      } else if (s.startsWith("```") || s.startsWith("~~~")) {
        fence = s.substring(0, 3);
        running = false;
      } else {
        int open = line.lastIndexOf("<!--");
        if (open >= 0 && !line.substring(open).contains("-->")) {
          inComment = true;
        }
        if (open >= 0) {
          running = false;
        }
      }
      if (running) {
        prose.add(new TextLine(number, line));
        if (part != Part.PREAMBLE && category == null && section == null && !skipping && !s.isEmpty()) {
          looseText.add(new TextLine(number, line));
        }
      }
      append(line);
      if (part == Part.CATEGORIES && category != null && section == null && running) {
        categoryIntro.add(new TextLine(number, line));
      }
    }

    private void append(String line) {
      if (section != null) {
        sectionText.append(line).append('\n');
      }
      if (category != null) {
        categoryBody.append(line).append('\n');
      } else if (part == Part.PREAMBLE) {
        preamble.append(line).append('\n');
      }
    }

    private Heading heading(int number, String line) {
      Matcher m = HEADING.matcher(line);
      if (!m.matches()) {
        return null;
      }
      String raw = m.group(2) == null ? "" : m.group(2).replaceFirst("\\s+#+$", "");
      String anchor = null;
      Matcher a = ANCHOR.matcher(raw);
      if (a.find()) {
        anchor = a.group(1).strip();
        raw = raw.substring(0, a.start()).strip();
      }
      int level = m.group(1).length();
      Part headingPart = part;
      if (level == 1) {
        headingPart = raw.equalsIgnoreCase("categories") ? Part.CATEGORIES
            : raw.equalsIgnoreCase("styles") ? Part.STYLES
            : part == Part.PREAMBLE ? Part.PREAMBLE : Part.OTHER;
      }
      Heading heading = new Heading(level, raw, anchor, number, headingPart);
      headings.add(heading);
      if (anchor != null && !VALID_ANCHOR.matcher(anchor).matches()) {
        findings.add(Finding.error(file, number, "anchor {#" + anchor + "} is not valid; expected lower-case "
            + "letters, digits and single hyphens, e.g. {#" + slug(anchor.isBlank() ? raw : anchor) + "}"));
      }
      return heading;
    }

    private void open(Heading heading, String line) {
      if (heading.level() == 1) {
        closeCategory();
        skipping = false;
        if (heading.part() == Part.CATEGORIES && categoriesLine == 0) {
          categoriesLine = heading.line();
        } else if (heading.part() == Part.STYLES && stylesLine == 0) {
          stylesLine = heading.line();
        } else if (heading.part() == Part.OTHER && part != Part.OTHER) {
          findings.add(Finding.warning(file, heading.line(), "top-level heading '" + heading.title() + "' after the "
              + "preamble is left out of excerpts; expected only '# Categories' and '# Styles' there"));
        }
        part = heading.part();
        append(line);
        return;
      }
      if (part == Part.CATEGORIES) {
        openInCategories(heading, line);
      } else if (part == Part.STYLES && heading.level() == 2) {
        closeSection();
        skipping = heading.anchor() == null;
        if (heading.anchor() == null) {
          missingAnchor(heading, "style-" + slug(heading.title()));
        } else {
          section = heading;
          sectionText = new StringBuilder();
        }
      } else {
        append(line);
      }
    }

    private void openInCategories(Heading heading, String line) {
      if (heading.level() == 2) {
        closeCategory();
        skipping = heading.anchor() == null;
        if (heading.anchor() == null) {
          missingAnchor(heading, slug(heading.title()));
          category = null;
          return;
        }
        category = heading;
        categoryBody = new StringBuilder(line).append('\n');
        categoryIntro = new ArrayList<>();
        sections = new ArrayList<>();
      } else if (heading.level() == 3) {
        closeSection();
        if (category == null) {
          boolean skipped = headings.stream().anyMatch(h -> h.part() == Part.CATEGORIES && h.level() == 2);
          if (!skipped) {
            findings.add(Finding.error(file, heading.line(), "sub-section '" + heading.title() + "' comes before any "
                + "category; expected a '## Title {#anchor}' category heading above it"));
          }
          return;
        }
        categoryBody.append(line).append('\n');
        if (heading.anchor() == null) {
          // Reported here; the section is kept under the anchor it should have had, so that checks on the
          // category (has it a disallowed section?) do not report the same mistake a second time.
          String kind = kindOfTitle(heading.title());
          String suggested = category.anchor() + "-" + (kind.equals("other") ? slug(heading.title()) : kind);
          missingAnchor(heading, suggested);
          heading = new Heading(heading.level(), heading.title(), suggested, heading.line(), heading.part());
        }
        section = heading;
        sectionText = new StringBuilder();
      } else {
        append(line);
      }
    }

    private void missingAnchor(Heading heading, String suggestion) {
      findings.add(Finding.error(file, heading.line(), "heading '" + heading.title() + "' has no anchor; expected '"
          + "#".repeat(heading.level()) + " " + heading.title() + " {#" + suggestion + "}'"));
    }

    private void closeSection() {
      if (section == null) {
        return;
      }
      if (part == Part.CATEGORIES && category != null) {
        String kind = kindOf(section, category.anchor());
        sections.add(new Section(section.anchor(), section.title(), kind, sectionText.toString(), section.line()));
      } else if (part == Part.STYLES) {
        styleSections.add(new Section(section.anchor(), section.title(), "style", sectionText.toString(), section.line()));
      }
      section = null;
    }

    private void closeCategory() {
      closeSection();
      if (category == null) {
        return;
      }
      FrontMatter.Entry entry = entry(category.anchor());
      Style style = entry == null ? null : styleOrNull(entry.style());
      String summary = entry != null && entry.summary() != null && !entry.summary().isBlank()
          ? entry.summary().strip().replaceAll("\\s+", " ")
          : firstParagraph(categoryIntro);
      categories.add(new Category(category.anchor(), category.title(), style, summary, categoryBody.toString(),
          sections, category.line()));
      intros.put(category.anchor(), List.copyOf(categoryIntro));
      category = null;
    }

    private FrontMatter.Entry entry(String anchor) {
      if (frontMatter == null) {
        return null;
      }
      return frontMatter.categories().stream().filter(e -> e.anchor().equals(anchor)).findFirst().orElse(null);
    }

    Parsed finish(String text, int firstBodyLine) {
      closeCategory();
      closeSection();
      Map<Style, Section> styles = new EnumMap<>(Style.class);
      for (Section s : styleSections) {
        Style style = s.anchor().startsWith("style-") ? styleOrNull(s.anchor().substring("style-".length())) : null;
        if (style != null && s.anchor().equals("style-" + style.wireName())) {
          styles.putIfAbsent(style, s);
        }
      }
      String id = frontMatter == null || frontMatter.id() == null ? null : frontMatter.id();
      String version = frontMatter == null || frontMatter.version() == null ? null : frontMatter.version();
      Spec spec = new Spec(id, version, preamble.toString(), categories, styles, file, text);
      return new Parsed(file, spec, frontMatter, List.copyOf(headings), List.copyOf(prose), intros,
          List.copyOf(styleSections), List.copyOf(looseText), true, firstBodyLine, categoriesLine, stylesLine, findings);
    }
  }

  /** The kind of a category sub-section: from its anchor when it follows the naming rule, else from its title. */
  static String kindOf(Heading heading, String categoryAnchor) {
    for (String kind : List.of("disallowed", "allowed", "edge-cases")) {
      if (heading.anchor() != null && heading.anchor().equals(categoryAnchor + "-" + kind)) {
        return kind;
      }
    }
    return kindOfTitle(heading.title());
  }

  /** {@code Disallowed} → disallowed, {@code Allowed} → allowed, {@code Edge cases} → edge-cases, else other. */
  static String kindOfTitle(String title) {
    String t = title.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", " ").strip();
    return switch (t) {
      case "disallowed", "disallowed content" -> "disallowed";
      case "allowed", "allowed content" -> "allowed";
      case "edge cases", "edge case" -> "edge-cases";
      default -> "other";
    };
  }

  /** The style named by a wire name, or null when there is none by that name. */
  static Style styleOrNull(String name) {
    if (name == null) {
      return null;
    }
    for (Style style : Style.values()) {
      if (style.wireName().equals(name.strip())) {
        return style;
      }
    }
    return null;
  }

  /** The style a line such as {@code **Default style:** refuse} names, or null when the line is not one. */
  static String defaultStyleStated(String line) {
    Matcher m = DEFAULT_STYLE_LINE.matcher(line);
    return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
  }

  /** The first paragraph of running text that is not a default-style line, joined into one line. */
  static String firstParagraph(List<TextLine> intro) {
    StringBuilder out = new StringBuilder();
    for (TextLine line : intro) {
      String s = line.text().strip();
      if (s.isEmpty() || defaultStyleStated(s) != null) {
        if (out.length() > 0) {
          break;
        }
        continue;
      }
      out.append(out.length() == 0 ? "" : " ").append(s);
    }
    return out.toString();
  }

  /** A suggested anchor for a heading title: lower-case words joined by hyphens. */
  static String slug(String title) {
    String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return slug.isEmpty() ? "name" : slug;
  }
}
