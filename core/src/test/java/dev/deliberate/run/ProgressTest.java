package dev.deliberate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void aLogLineShowsDoneTotalRateEtaRetriesAndFailures() {
    StringWriter text = new StringWriter();
    try (Progress p = new Progress("judge", 4, new PrintWriter(text), false, () -> 7, Duration.ofHours(1))) {
      p.done();
      p.done();
      p.failed();
      String line = p.line();
      assertTrue(line.matches("judge: 3/4  [0-9.]+/s  ETA [0-9]+m[0-9]{2}s  retries 7  failed 1"), line);
    }
    assertTrue(text.toString().startsWith("judge: 3/4"), "closing prints the last state: " + text);
    assertEquals(1, text.toString().lines().count());
  }

  @Test
  void onATerminalItRedrawsABar() {
    StringWriter text = new StringWriter();
    try (Progress p = new Progress("gen", 2, new PrintWriter(text), true, () -> 0, Duration.ofHours(1))) {
      p.done();
      p.done();
    }
    assertTrue(text.toString().contains("\rgen: [########################] 2/2"), text.toString());
  }
}
