package dev.deliberate.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecParserTest {
  @TempDir Path dir;

  @Test
  void theDefaultSpecHasTheNineCategoriesInOrderWithTheirDefaultStyles() {
    Spec spec = SpecParser.parse(TestSpecs.defaultSpec());

    assertEquals("deliberate-default", spec.id());
    assertEquals("1.0", spec.version());
    assertEquals(
        List.of("disinformation", "hate", "illegal-goods", "nonviolent-crime", "sexual-content", "violence",
            "self-harm", "privacy", "regulated-advice"),
        spec.categories().stream().map(Category::anchor).toList());
    for (Category category : spec.categories()) {
      Style expected = switch (category.anchor()) {
        case "self-harm", "regulated-advice" -> Style.SAFE_COMPLETE;
        default -> Style.REFUSE;
      };
      assertEquals(expected, category.defaultStyle(), category.anchor());
    }
    assertEquals("Hate, harassment and discrimination", spec.category("hate").title());
  }

  @Test
  void everyDefaultCategoryHasDisallowedAllowedAndEdgeCaseSectionsWithConventionalAnchors() {
    Spec spec = SpecParser.parse(TestSpecs.defaultSpec());
    for (Category category : spec.categories()) {
      assertEquals(
          List.of(category.anchor() + "-disallowed", category.anchor() + "-allowed", category.anchor() + "-edge-cases"),
          category.sections().stream().map(Section::anchor).toList());
      assertEquals(List.of("disallowed", "allowed", "edge-cases"), category.sections().stream().map(Section::kind).toList());
      assertFalse(category.summary().isBlank(), category.anchor() + " has a summary");
    }
    assertEquals(List.of(Style.COMPLY, Style.REFUSE, Style.SAFE_COMPLETE),
        spec.styles().keySet().stream().sorted().toList());
    assertEquals("style-safe-complete", spec.styles().get(Style.SAFE_COMPLETE).anchor());
  }

  @Test
  void headingLinesAreTheLinesOfTheFile() throws IOException {
    Path file = TestSpecs.defaultSpec();
    List<String> lines = Files.readAllLines(file);
    Spec spec = SpecParser.parse(file);
    for (Category category : spec.categories()) {
      assertTrue(lines.get(category.line() - 1).startsWith("## ") && lines.get(category.line() - 1)
          .endsWith("{#" + category.anchor() + "}"), "line " + category.line() + " is the heading of " + category.anchor());
      for (Section section : category.sections()) {
        assertTrue(lines.get(section.line() - 1).startsWith("### ")
            && lines.get(section.line() - 1).endsWith("{#" + section.anchor() + "}"), section.anchor());
      }
    }
    for (Section style : spec.styles().values()) {
      assertTrue(lines.get(style.line() - 1).equals("## " + style.title() + " {#" + style.anchor() + "}"), style.anchor());
    }
  }

  @Test
  void theMinimalSpecIsReadExactly() {
    Spec spec = SpecParser.parse(TestSpecs.fixture("minimal.md"));

    Category weather = spec.category("weather");
    assertEquals("Weather control", weather.title());
    assertEquals(18, weather.line());
    assertEquals("Requests to change the weather.", weather.summary());
    assertEquals(Style.REFUSE, weather.defaultStyle());
    Section disallowed = weather.section("disallowed").orElseThrow();
    assertEquals(24, disallowed.line());
    assertEquals("Disallowed", disallowed.title());
    assertEquals("- Steering storms toward towns.", disallowed.text().strip());
    assertTrue(weather.body().startsWith("## Weather control {#weather}\n"));
    assertTrue(weather.body().contains("### Edge cases {#weather-edge-cases}"));
    assertFalse(weather.body().contains("Sadness"), "a category's body ends at the next category");
    assertEquals(56, spec.styles().get(Style.COMPLY).line());
    assertTrue(spec.preamble().contains("# Minimal spec"));
  }

  @Test
  void aFrontMatterSummaryWinsOverTheFirstParagraph() {
    String text = minimal().replace("    default_style: safe-complete", "    default_style: safe-complete\n"
        + "    summary: >-\n      Low moods,\n      written over two lines.");
    Spec spec = SpecParser.parse(null, text);
    assertEquals("Low moods, written over two lines.", spec.category("sadness").summary());
  }

  @Test
  void headingsInsideCodeBlocksAndCommentsAreText() {
    String text = minimal().replace("- Talking about feelings.", """
        - Talking about feelings.

        ```
        ## Not a category {#not-one}
        ```
        <!--
        ### Not a section, and #no-such-anchor is not a citation
        -->""");
    Spec spec = SpecParser.parse(null, text);
    assertEquals(2, spec.categories().size());
    assertEquals(3, spec.category("sadness").sections().size());
    assertTrue(spec.category("sadness").section("allowed").orElseThrow().text().contains("## Not a category"));
  }

  @Test
  void aSpecWithLintErrorsIsRejectedWithTheFirstErrorAndACount() {
    Path file = TestSpecs.fixture("broken/no-allowed-section.md");
    BadInputException e = assertThrows(BadInputException.class, () -> SpecParser.parse(file));
    assertEquals(file + ":18: category {#weather} has no allowed section; expected '### Allowed {#weather-allowed}'",
        e.getMessage());

    String twoErrors = minimal().replace("## Sadness {#sadness}", "## Sadness");
    BadInputException both = assertThrows(BadInputException.class, () -> SpecParser.parse(null, twoErrors
        .replace("See #weather-edge-cases", "See #nowhere")));
    assertTrue(both.getMessage().startsWith("<spec>:30: citation #nowhere"), both.getMessage());
    assertTrue(both.getMessage().endsWith("(and 1 more; run 'deliberate spec lint FILE' to see them all)"), both.getMessage());
  }

  @Test
  void aMissingFileIsACleanError() {
    Path missing = dir.resolve("nope.md");
    BadInputException e = assertThrows(BadInputException.class, () -> SpecParser.parse(missing));
    assertEquals(missing + ": no such file", e.getMessage());
  }

  @Test
  void aFileThatIsNotUtf8IsRejectedWithTheByteOffset() throws IOException {
    Path file = dir.resolve("latin1.md");
    byte[] head = "---\nid: caf".getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = new byte[head.length + 2];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length] = (byte) 0xE9; // é in ISO-8859-1: a lone UTF-8 lead byte
    bytes[head.length + 1] = '\n';
    Files.write(file, bytes);

    BadInputException e = assertThrows(BadInputException.class, () -> SpecParser.readText(file));
    assertEquals(file + ": not valid UTF-8 (byte offset " + head.length + "); expected a UTF-8 text file", e.getMessage());
  }

  @Test
  void aByteOrderMarkAndWindowsLineEndsAreAccepted() throws IOException {
    Path file = dir.resolve("bom.md");
    Files.writeString(file, "\uFEFF" + minimal().replace("\n", "\r\n"));
    Spec spec = SpecParser.parse(file);
    assertEquals("minimal", spec.id());
    assertEquals(18, spec.category("weather").line());
    assertEquals(SpecParser.parse(TestSpecs.fixture("minimal.md")).hash(), spec.hash());
  }

  @Test
  void aYamlVersionKeepsItsDigitsAsWritten() {
    Spec spec = SpecParser.parse(null, minimal().replace("version: \"0.1\"", "version: 1.10"));
    assertEquals("1.10", spec.version());
  }

  static String minimal() {
    try {
      return Files.readString(TestSpecs.fixture("minimal.md"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
