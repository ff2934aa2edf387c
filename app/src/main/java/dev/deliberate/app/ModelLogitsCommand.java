package dev.deliberate.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.data.Json;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.ModelDirs;
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
          + "position with --all-positions."
    })
final class ModelLogitsCommand extends BaseCommand {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory in Hugging Face layout (config.json, model.safetensors), local:DIR, or tiny.")
  String model;

  @Option(names = "--ids", required = true, split = ",", paramLabel = "ID,ID,...", description = "Token ids.")
  long[] ids;

  @Option(names = "--all-positions", description = "Print the logits of every position, not only the last.")
  boolean allPositions;

  @Override
  protected int run() throws Exception {
    if (ids.length == 0) {
      throw new BadInputException("--ids: expected at least one token id");
    }
    try (LocalModel local = LocalModel.open(ModelDirs.resolve(model, err()::println))) {
      float[][] logits = local.logits(ids);
      ObjectNode json = Json.mapper().createObjectNode();
      ArrayNode idArray = json.putArray("ids");
      for (long id : ids) {
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
      out().println(Json.line(json));
    }
    return ExitCode.OK;
  }
}
