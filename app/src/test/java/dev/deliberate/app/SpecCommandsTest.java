package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.spec.SpecParser;
import dev.deliberate.spec.TestSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecCommandsTest {
  private static final String DEFAULT = TestSpecs.defaultSpec().toString();

  @TempDir Path dir;

  @Test
  void lintPassesOnTheDefaultSpec() {
    Cli cli = Cli.run("spec", "lint", DEFAULT);
    assertEquals(0, cli.status(), cli.err());
    assertEquals("0 errors, 0 warnings\n", cli.out());
  }

  @Test
  void lintPrintsEachFindingAndFailsOnErrors() {
    Path broken = TestSpecs.fixture("broken/dangling-citation.md");
    Cli cli = Cli.run("spec", "lint", broken.toString());
    assertEquals(1, cli.status());
    assertTrue(cli.out().contains(broken + ":30: error: citation #weather-edge-case names no anchor in this spec; "
        + "expected an existing anchor, e.g. #weather-edge-cases\n"), cli.out());
    assertTrue(cli.out().endsWith("1 error, 1 warning\n"), cli.out());
  }

  @Test
  void lintWarnsWhenTheSpecLacksTheCategoriesTheBenchmarkImportersUse() {
    Cli cli = Cli.run("spec", "lint", TestSpecs.fixture("minimal.md").toString());
    assertEquals(0, cli.status(), cli.err());
    assertTrue(cli.out().contains("warning: no categories disinformation, hate, illegal-goods,"), cli.out());
    assertTrue(cli.out().contains("for the StrongREJECT/XSTest importers"), cli.out());
  }

  @Test
  void lintSucceedsWhenThereAreOnlyWarnings() throws IOException {
    Path file = dir.resolve("warned.md");
    Files.writeString(file, Files.readString(TestSpecs.fixture("minimal.md")).replace("**Default style:** refuse", ""));
    Cli cli = Cli.run("spec", "lint", file.toString());
    assertEquals(0, cli.status());
    assertTrue(cli.out().endsWith("0 errors, 2 warnings\n"), cli.out());
  }

  @Test
  void categoriesPrintsAnchorStyleAndTitleInColumns() {
    Cli cli = Cli.run("spec", "categories", DEFAULT);
    assertEquals(0, cli.status(), cli.err());
    String[] lines = cli.out().split("\n");
    assertEquals(9, lines.length);
    assertEquals("disinformation    refuse         Disinformation and deception", lines[0]);
    assertEquals("self-harm         safe-complete  Self-harm and suicide", lines[6]);
    assertEquals("regulated-advice  safe-complete  Medical, legal and financial advice", lines[8]);
  }

  @Test
  void showPrintsTheExcerptOfOneCategory() {
    Cli cli = Cli.run("spec", "show", DEFAULT, "--category", "self-harm");
    assertEquals(0, cli.status(), cli.err());
    assertEquals(SpecParser.parse(TestSpecs.defaultSpec()).excerpt("self-harm"), cli.out());
  }

  @Test
  void showWithAnUnknownCategoryListsTheKnownOnes() {
    Cli cli = Cli.run("spec", "show", DEFAULT, "--category", "weapons");
    assertEquals(2, cli.status());
    assertEquals("", cli.out());
    assertOneErrorLine(cli);
    assertTrue(cli.err().contains("unknown category 'weapons'"), cli.err());
    assertTrue(cli.err().contains("expected one of disinformation, hate,"), cli.err());
  }

  @Test
  void hashPrintsTheSpecHash() {
    Cli cli = Cli.run("spec", "hash", DEFAULT);
    assertEquals(0, cli.status(), cli.err());
    assertEquals(SpecParser.parse(TestSpecs.defaultSpec()).hash() + "\n", cli.out());
  }

  @Test
  void aMissingFileIsOneErrorLineAndStatus2() {
    for (String command : new String[] {"lint", "categories", "hash"}) {
      Cli cli = Cli.run("spec", command, dir.resolve("missing.md").toString());
      assertEquals(2, cli.status(), command);
      assertOneErrorLine(cli);
      assertEquals("error: " + dir.resolve("missing.md") + ": no such file\n", cli.err());
    }
  }

  @Test
  void aFileThatIsNotUtf8IsOneErrorLineAndStatus2() throws IOException {
    Path file = dir.resolve("latin1.md");
    Files.write(file, new byte[] {'-', '-', '-', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n'});
    Cli cli = Cli.run("spec", "lint", file.toString());
    assertEquals(2, cli.status());
    assertEquals("error: " + file + ": not valid UTF-8 (byte offset 7); expected a UTF-8 text file\n", cli.err());
  }

  @Test
  void aSpecWithABadAnchorCannotBeShown() {
    Path broken = TestSpecs.fixture("broken/invalid-anchor.md");
    Cli cli = Cli.run("spec", "show", broken.toString(), "--category", "weather");
    assertEquals(2, cli.status());
    assertOneErrorLine(cli);
    assertEquals("error: " + broken + ":36: anchor {#weather-Notes} is not valid; expected lower-case letters, digits "
        + "and single hyphens, e.g. {#weather-notes}\n", cli.err());
  }

  @Test
  void everySpecCommandExplainsItselfInHelp() {
    for (String command : new String[] {"lint", "categories", "show", "hash"}) {
      Cli cli = Cli.run("spec", command, "--help");
      assertEquals(0, cli.status(), command);
      assertTrue(cli.out().startsWith("Usage: deliberate spec " + command), cli.out());
      assertTrue(cli.out().contains("FILE"), cli.out());
    }
  }

  private static void assertOneErrorLine(Cli cli) {
    assertTrue(cli.err().startsWith("error: "), cli.err());
    assertEquals(1, cli.err().lines().count(), cli.err());
    assertFalse(cli.err().contains("\tat "), "no stack trace");
  }
}
