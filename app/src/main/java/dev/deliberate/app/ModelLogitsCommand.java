package dev.deliberate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.ModelDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "logits",
    mixinStandardHelpOptions = true,
    description = {
      "Print the logits a local model gives for a sequence of token ids, as JSON.",
      "",
      "A debugging and cross-checking tool: compare with another implementation (e.g. Hugging Face transformers) "
          + "on the same directory. Prints {\"ids\": [...], \"logits\": [...]} for the last position, or one row per "
          + "position with --all-positions. With --ids-file, one such line per sequence of the file."
    })
final class ModelLogitsCommand extends BaseCommand {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory in Hugging Face layout (config.json, model.safetensors), local:DIR, "
          + "local:FILE.gguf, or tiny.")
  String model;

  @Option(names = "--ids", split = ",", paramLabel = "ID,ID,...", description = "Token ids.")
  long[] ids;

  @Option(names = "--ids-file", paramLabel = "FILE",
      description = "Many sequences: one JSON array of token ids per line (the model loads once).")
  Path idsFile;

  @Option(names = "--all-positions", description = "Print the logits of every position, not only the last.")
  boolean allPositions;

  @Override
  protected int run() throws Exception {
    if ((ids == null) == (idsFile == null)) {
      throw new BadInputException("expected exactly one of --ids and --ids-file");
    }
    List<long[]> sequences = ids != null ? List.of(ids) : readSequences(idsFile);
    try (LocalModel local = LocalModel.open(ModelDirs.resolve(model, err()::println))) {
      for (long[] sequence : sequences) {
        out().println(Json.line(logitsJson(sequence, local.logits(sequence))));
      }
    }
    return ExitCode.OK;
  }

  private ObjectNode logitsJson(long[] sequence, float[][] logits) {
    ObjectNode json = Json.mapper().createObjectNode();
    ArrayNode idArray = json.putArray("ids");
    for (long id : sequence) {
      idArray.add(id);
    }
    ArrayNode rows = json.putArray("logits");
    if (allPositions) {
      for (float[] row : logits) {
        ArrayNode r = rows.addArray();
        for (float v : row) {
          r.add(v);
        }
      }
    } else {
      for (float v : logits[logits.length - 1]) {
        rows.add(v);
      }
    }
    return json;
  }

  /** One non-empty array of token ids per line; a bad line is named with its number. */
  static List<long[]> readSequences(Path file) throws IOException {
    List<long[]> sequences = new ArrayList<>();
    int lineNumber = 0;
    for (String line : Files.readAllLines(file)) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = Json.mapper().readTree(line);
      } catch (IOException e) {
        throw new BadInputException(file + ":" + lineNumber + ": not valid JSON (expected an array of token ids)");
      }
      if (node == null || !node.isArray() || node.isEmpty()) {
        throw new BadInputException(file + ":" + lineNumber + ": expected a non-empty JSON array of token ids");
      }
      long[] sequence = new long[node.size()];
      for (int i = 0; i < sequence.length; i++) {
        if (!node.get(i).canConvertToLong() || !node.get(i).isIntegralNumber()) {
          throw new BadInputException(file + ":" + lineNumber + ": element " + i + " is " + node.get(i)
              + " (expected an integer token id)");
        }
        sequence[i] = node.get(i).asLong();
      }
      sequences.add(sequence);
    }
    if (sequences.isEmpty()) {
      throw new BadInputException(file + ": no sequences (expected one JSON array of token ids per line)");
    }
    return sequences;
  }
}
