package dev.deliberate.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import org.junit.jupiter.api.Test;

/** spec(category) and the content hash: what the generator and judge see, and how runs name the spec. */
class SpecExcerptTest {
  private final Spec spec = SpecParser.parse(TestSpecs.defaultSpec());

  @Test
  void theExcerptHoldsTheWholeFocusCategory() {
    String excerpt = spec.excerpt("violence");
    Category violence = spec.category("violence");

    assertTrue(excerpt.contains(violence.body().strip()), "the full text of the category, headings included");
    for (Section section : violence.sections()) {
      assertTrue(excerpt.contains("### " + section.title() + " {#" + section.anchor() + "}"));
    }
  }

  @Test
  void otherCategoriesAppearAsOneLineSummariesOnly() {
    String excerpt = spec.excerpt("violence");
    for (Category other : spec.categories()) {
      if (other.anchor().equals("violence")) {
        continue;
      }
      String line = "- " + other.title() + " {#" + other.anchor() + "} (default style: "
          + other.defaultStyle().wireName() + "): " + other.summary();
      assertTrue(excerpt.contains(line + "\n"), "summary line for " + other.anchor());
      assertFalse(excerpt.contains("{#" + other.anchor() + "-disallowed}"), other.anchor() + " sections are left out");
    }
  }

  @Test
  void theOverviewSummarisesEveryCategoryAndQuotesNoneInFull() {
    String overview = spec.overview();
    for (Category c : spec.categories()) {
      assertTrue(overview.contains("- " + c.title() + " {#" + c.anchor() + "} (default style: "
          + c.defaultStyle().wireName() + "): " + c.summary() + "\n"), c.anchor());
      assertFalse(overview.contains("{#" + c.anchor() + "-disallowed}"), c.anchor() + " sections are left out");
    }
    for (Section style : spec.styles().values()) {
      assertTrue(overview.contains("## " + style.title() + " {#" + style.anchor() + "}"), style.anchor());
    }
  }

  @Test
  void everyStyleSectionIsIncludedInFull() {
    String excerpt = spec.excerpt("privacy");
    for (Section style : spec.styles().values()) {
      assertTrue(excerpt.contains("## " + style.title() + " {#" + style.anchor() + "}\n\n" + style.text().strip()),
          style.anchor());
    }
  }

  @Test
  void thePreambleIsIncludedButAuthorNotesInCommentsAreNot() {
    String excerpt = spec.excerpt("hate");
    assertTrue(excerpt.startsWith("# Deliberate default safety specification\n"));
    assertTrue(excerpt.contains("## How to use this specification"));
    assertFalse(excerpt.contains("<!--"));
    assertTrue(spec.text().contains("<!--"), "the file does have author notes");
  }

  @Test
  void theExcerptIsMuchShorterThanTheSpecAndNamesOnlyKnownAnchors() {
    for (Category category : spec.categories()) {
      String excerpt = spec.excerpt(category.anchor());
      assertTrue(excerpt.length() < spec.text().length() * 0.75, category.anchor());
      var cited = java.util.regex.Pattern.compile("(?<![\\w{&/#])#([a-z][a-z0-9-]*[a-z0-9])").matcher(excerpt);
      while (cited.find()) {
        assertTrue(spec.anchors().contains(cited.group(1)), "#" + cited.group(1) + " in the excerpt for " + category.anchor());
      }
    }
  }

  @Test
  void anUnknownCategoryListsTheKnownAnchors() {
    BadInputException e = assertThrows(BadInputException.class, () -> spec.excerpt("weapons"));
    assertTrue(e.getMessage().startsWith("unknown category 'weapons' in "), e.getMessage());
    assertTrue(e.getMessage().endsWith("; expected one of disinformation, hate, illegal-goods, nonviolent-crime, "
        + "sexual-content, violence, self-harm, privacy, regulated-advice"), e.getMessage());
  }

  @Test
  void whitespaceOnlyEditsKeepTheHash() {
    String text = SpecParserTest.minimal();
    String reflowed = text
        .replace("Requests to change the weather.", "Requests to change\n   the    weather.")
        .replace("\n\n## Sadness", "\n\n\n\n## Sadness")
        .replace("\n", "  \r\n");
    assertEquals(SpecParser.parse(null, text).hash(), SpecParser.parse(null, reflowed).hash());
  }

  @Test
  void aWordChangeChangesTheHash() {
    String text = SpecParserTest.minimal();
    String edited = text.replace("Steering storms toward towns.", "Steering storms toward cities.");
    assertNotEquals(SpecParser.parse(null, text).hash(), SpecParser.parse(null, edited).hash());
  }

  @Test
  void theHashIsSha256HexOfTheTextAndDoesNotDependOnTheFileName() {
    String hash = spec.hash();
    assertTrue(hash.matches("[0-9a-f]{64}"), hash);
    assertEquals(hash, SpecParser.parse(null, spec.text()).hash());
  }
}
