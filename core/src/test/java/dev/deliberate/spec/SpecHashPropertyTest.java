package dev.deliberate.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The spec hash ignores how whitespace is laid out, whatever the layout. */
class SpecHashPropertyTest {
  private static final String MINIMAL = SpecParserTest.minimal();
  private static final String HASH = SpecParser.parse(null, MINIMAL).hash();

  @Property(tries = 200)
  void anyRelayoutOfWhitespaceKeepsTheHash(@ForAll("whitespaceRuns") List<String> runs) {
    // Replace each space inside running text (not in headings or front matter, which need their single spaces
    // and line structure to stay a valid spec) with a generated run of spaces, tabs and line ends.
    StringBuilder out = new StringBuilder();
    int next = 0;
    for (String line : MINIMAL.split("\n", -1)) {
      boolean prose = line.startsWith("- ") || line.startsWith("Requests") || line.startsWith("Answer")
          || line.startsWith("One ") || line.startsWith("Acknowledge");
      if (prose) {
        StringBuilder relaid = new StringBuilder();
        for (String word : line.split(" ")) {
          relaid.append(relaid.length() == 0 ? "" : runs.get(next++ % runs.size())).append(word);
        }
        line = relaid.toString();
      }
      out.append(line).append(runs.get(next++ % runs.size()).contains("\t") ? "  \n" : "\n");
    }
    assertEquals(HASH, SpecParser.parse(null, out.toString().stripTrailing() + "\n").hash());
  }

  @Provide
  Arbitrary<List<String>> whitespaceRuns() {
    return Arbitraries.of(" ", "  ", "\t", " \t ", "\n   ", "   ").list().ofMinSize(1).ofMaxSize(20);
  }
}
