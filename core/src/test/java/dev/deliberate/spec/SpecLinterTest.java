package dev.deliberate.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecLinterTest {
  @Test
  void theDefaultSpecLintsClean() {
    assertEquals(List.of(), SpecLinter.lint(TestSpecs.defaultSpec()));
  }

  @Test
  void theMinimalFixtureLintsClean() {
    assertEquals(List.of(), SpecLinter.lint(TestSpecs.fixture("minimal.md")));
  }

  /** Each broken spec is the minimal fixture with one mistake; the linter reports exactly that mistake, where it is. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      duplicate-anchor.md              | 36 | duplicate anchor {#weather-allowed} (first used on line 28); expected each anchor once
      missing-anchor.md                | 24 | heading 'Disallowed' has no anchor; expected '### Disallowed {#weather-disallowed}'
      invalid-anchor.md                | 36 | anchor {#weather-Notes} is not valid; expected lower-case letters, digits and single hyphens, e.g. {#weather-notes}
      no-disallowed-section.md         | 36 | category {#sadness} has no disallowed section; expected '### Disallowed {#sadness-disallowed}'
      no-allowed-section.md            | 18 | category {#weather} has no allowed section; expected '### Allowed {#weather-allowed}'
      wrong-section-anchor.md          | 42 | 'Disallowed' under {#sadness} has anchor {#sadnes-disallowed}; expected {#sadness-disallowed}
      unknown-style-front-matter.md    |  9 | unknown style 'console' for category 'sadness'; expected one of comply, refuse, safe-complete
      unknown-style-heading.md         | 68 | unknown style 'polite' in {#style-polite}; expected one of {#style-comply}, {#style-refuse}, {#style-safe-complete}
      missing-style-section.md         | 54 | no section for style 'refuse'; expected '## Refuse {#style-refuse}' under '# Styles'
      dangling-citation.md             | 30 | citation #weather-edge-case names no anchor in this spec; expected an existing anchor, e.g. #weather-edge-cases
      empty-section.md                 | 46 | section {#sadness-allowed} is empty; expected text below its heading
      listed-without-heading.md        | 10 | front matter lists category 'hail' but no heading has that anchor; expected '## Title {#hail}' under '# Categories'
      heading-not-listed.md            | 34 | category {#sadness} is not in the front matter; expected an entry '- anchor: sadness' with its default_style
      title-mismatch.md                |  6 | front matter title 'Weather' for 'weather' differs from the heading 'Weather control' on line 18; expected the same title in both
      default-style-disagrees.md       | 40 | category {#sadness} states default style 'refuse' but the front matter says 'safe-complete'; expected the same style in both
      malformed-front-matter.md        |  6 | front matter is not valid YAML (while parsing a flow sequence: expected ',' or ']', but got :); expected 'key: value' lines with id, version and categories
      missing-version.md               |  1 | front matter has no 'version'; expected 'version: VALUE'
      no-front-matter.md               |  1 | the spec has no front matter; expected a first line '---', then YAML with id, version and categories, then '---'
      unclosed-front-matter.md         |  1 | front matter opened by '---' is never closed; expected a line '---' after the YAML
      """)
  void eachBrokenSpecGetsOneErrorNamingTheLineAndWhatWasExpected(String name, int line, String message) {
    Path file = TestSpecs.fixture("broken/" + name);
    List<Finding> errors = SpecLinter.lint(file).stream().filter(Finding::isError).toList();

    assertEquals(List.of(Finding.error(file, line, message)), errors);
    assertEquals(file + ":" + line + ": error: " + message, errors.get(0).toString());
  }

  @Test
  void manyProblemsAreReportedAtOnceInLineOrder() {
    String text = SpecParserTest.minimal()
        .replace("## Sadness {#sadness}", "## Sadness {#weather}")
        .replace("See #weather-edge-cases", "See #hail")
        .replace("One short sentence.", "")
        .replace("    default_style: refuse", "    default_style: polite");
    List<Finding> findings = SpecLinter.lint(null, text);

    List<Integer> errorLines = findings.stream().filter(Finding::isError).map(Finding::line).toList();
    assertEquals(List.of(7, 8, 30, 36, 60), errorLines, findings.toString());
  }

  @Test
  void warningsDoNotCountAsErrors() {
    String text = SpecParserTest.minimal().replace("**Default style:** refuse", "");
    List<Finding> findings = SpecLinter.lint(null, text);

    assertEquals(List.of(Finding.warning(null, 18, "category {#weather} does not state its default style; expected a "
        + "line '**Default style:** refuse' so that excerpts show it")), findings);
    assertEquals("0 errors, 1 warning", SpecLinter.summary(findings));
  }

  @Test
  void citationsIgnoreUrlFragmentsEntitiesHeadingAnchorsAndWordsWithHashes() {
    String text = SpecParserTest.minimal().replace("- Talking about feelings.",
        "- Talking about feelings; see https://example.org/page#no-such-part, &#35;, C#stuff, and ##twice.");
    assertEquals(List.of(), SpecLinter.lint(null, text));
  }

  @Test
  void otherChecksCanAddFindingsThroughTheHook() {
    Path table = Path.of("CategoryMap.java");
    SpecLinter.Check mapping = spec -> spec.findCategory("self-harm").isPresent() ? List.of()
        : List.of(Finding.error(table, 12, "benchmark category 'Self-harm' maps to {#self-harm}, which the spec does "
            + "not define; expected one of " + String.join(", ", spec.categories().stream().map(Category::anchor).toList())));

    List<Finding> findings = SpecLinter.lint(TestSpecs.fixture("minimal.md"), mapping);
    assertEquals(List.of(Finding.error(table, 12, "benchmark category 'Self-harm' maps to {#self-harm}, which the "
        + "spec does not define; expected one of weather, sadness")), findings);
    assertEquals(List.of(), SpecLinter.lint(SpecParser.parse(TestSpecs.defaultSpec()), mapping));
  }

  @Test
  void anUnreadableFileIsBadInputNotAFinding() {
    Path missing = Path.of("no/such/spec.md");
    BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class,
        () -> SpecLinter.lint(missing));
    assertTrue(e.getMessage().startsWith(missing + ": no such file"), e.getMessage());
  }

  @Test
  void theSummaryCountsErrorsAndWarnings() {
    assertEquals("0 errors, 0 warnings", SpecLinter.summary(List.of()));
    assertEquals("2 errors, 1 warning", SpecLinter.summary(List.of(Finding.error(null, 1, "a"),
        Finding.error(null, 2, "b"), Finding.warning(null, 3, "c"))));
  }
}
