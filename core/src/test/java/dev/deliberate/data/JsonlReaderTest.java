package dev.deliberate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.spec.Style;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlReaderTest {
  @TempDir Path dir;

  record Point(int x, int y) {}

  private Path file(String content) throws IOException {
    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, content);
    return file;
  }

  private static List<JsonNode> readNodes(Path file) {
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file, false)) {
      List<JsonNode> nodes = new ArrayList<>();
      reader.forEach(nodes::add);
      return nodes;
    }
  }

  @Test
  void promptsWrittenAreReadBackEqual() {
    List<Prompt> prompts = List.of(
        Prompt.of("How do I bake bread?", "regulated-advice", Style.COMPLY, "test", Map.of("k", "v")),
        Prompt.of("Ünïcödé ✓ and \"quotes\"\nand a newline", "violence", Style.SAFE_COMPLETE, "test", null),
        Prompt.of("plain", null, null, null, null).attacked("rot13", "cynva"));
    Path file = dir.resolve("sub/prompts.jsonl");
    assertEquals(3, JsonlWriter.writeAll(file, prompts));
    assertEquals(prompts, Prompts.readAll(file));
  }

  @Test
  void expectedIsWrittenWithItsWireName() throws IOException {
    Path file = dir.resolve("p.jsonl");
    JsonlWriter.writeAll(file, List.of(Prompt.of("x", "self-harm", Style.SAFE_COMPLETE, "s", null)));
    assertTrue(Files.readString(file).contains("\"expected\":\"safe-complete\""), Files.readString(file));
  }

  @Test
  void malformedLineNamesFileAndLine() throws IOException {
    Path file = file("{\"a\":1}\n{\"a\":2}\n{\"a\": oops}\n");
    BadInputException e = assertThrows(BadInputException.class, () -> readNodes(file));
    assertTrue(e.getMessage().startsWith(file + ":3: not valid JSON ("), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void aLineMustHoldExactlyOneObject() throws IOException {
    assertEquals(file("[1,2]\n") + ":1: expected a JSON object, found array",
        assertThrows(BadInputException.class, () -> readNodes(dir.resolve("in.jsonl"))).getMessage());
    assertTrue(assertThrows(BadInputException.class, () -> readNodes(file("{\"a\":1} {\"b\":2}\n")))
        .getMessage().endsWith(":1: not valid JSON (more than one value on the line)"));
  }

  @Test
  void typedRecordsNameTheBadField() throws IOException {
    Path file = file("{\"x\":1,\"y\":2}\n{\"x\":1,\"y\":\"two\"}\n");
    BadInputException e = assertThrows(BadInputException.class, () -> {
      try (JsonlReader<Point> reader = JsonlReader.open(file, Point.class, false)) {
        reader.forEach(p -> {});
      }
    });
    assertTrue(e.getMessage().startsWith(file + ":2: field 'y': "), e.getMessage());
  }

  @Test
  void skipBadCountsAndReportsTheSkippedLines() throws IOException {
    Path file = file("{\"a\":1}\nnot json\n\n{\"a\":3}\n[4]\n{\"a\":5}\n");
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file, true)) {
      List<Integer> values = reader.stream().map(n -> n.get("a").asInt()).toList();
      assertEquals(List.of(1, 3, 5), values);
      assertEquals(2, reader.skipped().count());
      assertEquals(List.of(2L, 5L), reader.skipped().first().stream().map(BadLines.BadLine::line).toList());
      assertEquals("skipped 2 bad lines in " + file + " (lines 2, 5)", reader.skipped().summary());
    }
  }

  @Test
  void skippedDetailsAreBoundedButTheCountIsExact() throws IOException {
    String content = "x\n".repeat(BadLines.KEPT + 7);
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file(content), true)) {
      assertEquals(0, reader.stream().count());
      assertEquals(BadLines.KEPT + 7, reader.skipped().count());
      assertEquals(BadLines.KEPT, reader.skipped().first().size());
      assertTrue(reader.skipped().describe().get(BadLines.KEPT).startsWith("... and 7 more"));
    }
  }

  @Test
  void nonUtf8LineIsReportedAtItsLine() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("{\"a\":\"ok\"}\n{\"a\":\"fine\"}\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE9, '"', '}', '\n'}); // Latin-1 é
    bytes.writeBytes("{\"a\":\"after\"}\n".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("latin1.jsonl");
    Files.write(file, bytes.toByteArray());
    assertEquals(file + ":3: not valid UTF-8", assertThrows(BadInputException.class, () -> readNodes(file)).getMessage());
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file, true)) {
      assertEquals(3, reader.stream().count());
      assertEquals(3L, reader.skipped().first().get(0).line());
    }
  }

  @Test
  void missingFileIsOneLine() {
    Path missing = dir.resolve("nope.jsonl");
    assertEquals(missing + ": no such file", assertThrows(BadInputException.class, () -> JsonlReader.open(missing, false)).getMessage());
  }

  @Test
  void crlfBomBlankLinesAndMissingFinalNewlineAreAccepted() throws IOException {
    Path file = dir.resolve("windows.jsonl");
    Files.write(file, "\uFEFF{\"a\":1}\r\n\r\n{\"a\":\"x\\r\"}\r\n{\"a\":3}".getBytes(StandardCharsets.UTF_8));
    List<JsonNode> nodes = readNodes(file);
    assertEquals(3, nodes.size());
    assertEquals("x\r", nodes.get(1).get("a").asText());
  }

  @Test
  void lineNumbersCountBlankLines() throws IOException {
    Path file = file("{}\n\n\n{\"messages\": []}\n");
    BadInputException e = assertThrows(BadInputException.class, () -> Prompts.readAll(file));
    assertEquals(file + ":1: field 'messages': missing; expected an array of messages (or 'text' for one user message)", e.getMessage());
    Files.writeString(file, "{\"text\":\"a\"}\n\n\n{\"messages\": []}\n");
    assertEquals(file + ":4: field 'messages': expected a non-empty array, found an empty array",
        assertThrows(BadInputException.class, () -> Prompts.readAll(file)).getMessage());
  }

  @Test
  void longLinesAreReadWhole() throws IOException {
    String text = "y".repeat(100_000);
    Path file = dir.resolve("long.jsonl");
    JsonlWriter.writeAll(file, List.of(Map.of("t", text), Map.of("t", "short")));
    List<JsonNode> nodes = readNodes(file);
    assertEquals(text, nodes.get(0).get("t").asText());
    assertEquals("short", nodes.get(1).get("t").asText());
  }
}
