package dev.deliberate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlAppenderTest {
  @TempDir Path dir;

  private static List<Integer> values(Path file) {
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file, false)) {
      List<Integer> values = new ArrayList<>();
      reader.forEach(n -> values.add(n.get("n").asInt()));
      return values;
    }
  }

  @Test
  void eachAppendedRecordIsOnDiskBeforeClose() {
    Path file = dir.resolve("runs/x/completions.jsonl");
    try (JsonlAppender out = JsonlAppender.open(file)) {
      out.append(Map.of("n", 1));
      assertEquals(List.of(1), values(file), "visible to a reader without flush or close");
      out.append(Map.of("n", 2));
      assertEquals(List.of(1, 2), values(file));
    }
  }

  @Test
  void reopeningAppendsAfterTheExistingRecords() {
    Path file = dir.resolve("a.jsonl");
    try (JsonlAppender out = JsonlAppender.open(file)) {
      out.append(Map.of("n", 1));
    }
    try (JsonlAppender out = JsonlAppender.open(file)) {
      assertEquals(0, out.repairedBytes());
      out.append(Map.of("n", 2));
      assertEquals(1, out.appended());
    }
    assertEquals(List.of(1, 2), values(file));
  }

  @Test
  void aTornLastLineIsCutOffOnReopen() throws IOException {
    Path file = dir.resolve("a.jsonl");
    try (JsonlAppender out = JsonlAppender.open(file)) {
      out.append(Map.of("n", 1));
      out.append(Map.of("n", 2));
    }
    // what a crash in the middle of the third write leaves behind
    Files.write(file, "{\"n\":3,\"text\":\"hal".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    try (JsonlAppender out = JsonlAppender.open(file)) {
      assertEquals(18, out.repairedBytes());
      out.append(Map.of("n", 3));
    }
    assertEquals(List.of(1, 2, 3), values(file));
  }

  @Test
  void repairAloneMakesATornFileReadable() throws IOException {
    Path file = dir.resolve("a.jsonl");
    Files.writeString(file, "{\"n\":1}\n{\"n\":");
    assertEquals(5, JsonlAppender.repair(file));
    assertEquals(List.of(1), values(file));
    assertEquals(0, JsonlAppender.repair(file));
    assertEquals(0, JsonlAppender.repair(dir.resolve("missing.jsonl")));
  }

  @Test
  void aFileHoldingOnlyATornLineBecomesEmpty() throws IOException {
    Path file = dir.resolve("a.jsonl");
    Files.writeString(file, "x".repeat(20_000)); // longer than one scan block
    assertEquals(20_000, JsonlAppender.repair(file));
    assertEquals(0, Files.size(file));
  }

  @Test
  void threadsMayShareOneAppenderWithoutInterleavingLines() {
    Path file = dir.resolve("a.jsonl");
    try (JsonlAppender out = JsonlAppender.open(file)) {
      IntStream.range(0, 400).parallel().forEach(i -> out.append(Map.of("n", i, "pad", "p".repeat(i))));
    }
    assertEquals(IntStream.range(0, 400).boxed().toList(), values(file).stream().sorted().toList());
  }
}
