package dev.deliberate.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.io.AtomicFiles;
import dev.deliberate.io.Json;
import dev.deliberate.data.JsonlReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading and tidying the eval directory's JSONL files: the stage executor's output, one line per record,
 * {@code "status": "done"} with the record's fields or {@code "failed"} with an {@code "error"}. A file not written
 * yet simply has no records.
 */
public final class EvalFiles {
  private EvalFiles() {}

  /** The done records of an executor output by id, in file order; failed lines are left out; a bad line is a one-line error. */
  public static <T> Map<String, T> readDone(Path file, Class<T> type) {
    Map<String, T> records = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return records;
    }
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file, false)) {
      for (JsonNode node : reader) {
        if ("done".equals(node.path("status").asText())) {
          records.put(node.path("id").asText(), JsonlReader.bind(node, type));
        }
      }
    }
    return records;
  }

  /** The done records of an executor output, in file order. */
  public static <T> List<T> readDoneList(Path file, Class<T> type) {
    return new ArrayList<>(readDone(file, type).values());
  }

  /**
   * Rewrites {@code file} atomically without the lines whose id is not in {@code keep} (records of an earlier
   * evaluation made with another model, request or grader), so the file describes this evaluation only; returns
   * how many lines went. Nothing is rewritten when every line is kept.
   */
  public static int keepOnly(Path file, Set<String> keep) {
    if (!Files.exists(file)) {
      return 0;
    }
    List<JsonNode> kept = new ArrayList<>();
    int dropped = 0;
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file, false)) {
      for (JsonNode node : reader) {
        if (keep.contains(node.path("id").asText())) {
          kept.add(node);
        } else {
          dropped++;
        }
      }
    }
    if (dropped == 0) {
      return 0;
    }
    try (AtomicFiles.Pending rewrite = AtomicFiles.begin(file)) {
      Writer writer = rewrite.writer();
      for (JsonNode node : kept) {
        writer.write(Json.line(node));
        writer.write('\n');
      }
      rewrite.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + file + ": " + e.getMessage(), e);
    }
    return dropped;
  }
}
