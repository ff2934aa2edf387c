package dev.deliberate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.spec.Style;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataStatsTest {
  @Test
  void countsEachDimensionWithMissingValuesUnderNone() {
    Prompt plain = Prompt.of("a", "violence", Style.REFUSE, "strongreject", null);
    DataStats stats = DataStats.of(List.of(plain, plain.attacked("rot13", "n"), Prompt.of("b", null, null, "xstest", null)));
    assertEquals(3, stats.total());
    assertEquals(Map.of("violence", 2L, "(none)", 1L), stats.byCategory());
    assertEquals(Map.of("refuse", 2L, "(none)", 1L), stats.byExpected());
    assertEquals(Map.of("rot13", 1L, "(none)", 2L), stats.byAttack());
    assertEquals(Map.of("strongreject", 2L, "xstest", 1L), stats.bySource());
    assertTrue(stats.render().startsWith("prompts: 3\n\nby category:\n  (none)    1\n  violence  2\n"), stats.render());
  }
}
