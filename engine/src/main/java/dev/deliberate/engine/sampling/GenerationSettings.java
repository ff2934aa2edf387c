package dev.deliberate.engine.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.engine.network.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How to sample: temperature (0 = greedy), nucleus top-p, stop strings, a budget of new tokens, and the seed
 * every random choice flows from (same seed, same prompts → same text).
 */
public record GenerationSettings(int maxNewTokens, double temperature, double topP, List<String> stop, long seed) {
  public GenerationSettings {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max new tokens must be at least 1, was " + maxNewTokens);
    }
    if (temperature < 0 || !(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("temperature must be >= 0 and top_p in (0, 1]");
    }
    stop = stop == null ? List.of() : List.copyOf(stop);
  }

  public static final GenerationSettings DEFAULT = new GenerationSettings(256, 0.7, 0.95, List.of(), 0);

  public GenerationSettings withSeed(long newSeed) {
    return new GenerationSettings(maxNewTokens, temperature, topP, stop, newSeed);
  }

  public GenerationSettings withMaxNewTokens(int n) {
    return new GenerationSettings(n, temperature, topP, stop, seed);
  }

  public GenerationSettings withTemperature(double t) {
    return new GenerationSettings(maxNewTokens, t, topP, stop, seed);
  }

  /** The defaults of a model directory's {@code generation_config.json} (ours when the file is absent). */
  public static GenerationSettings defaults(Path dir) {
    Path file = dir == null ? null : dir.resolve("generation_config.json");
    if (file == null || !Files.isRegularFile(file)) {
      return DEFAULT;
    }
    try {
      JsonNode node = Json.mapper().readTree(file.toFile());
      boolean sample = node.path("do_sample").asBoolean(true);
      return new GenerationSettings(
          node.path("max_new_tokens").asInt(DEFAULT.maxNewTokens()),
          sample ? node.path("temperature").asDouble(DEFAULT.temperature()) : 0.0,
          node.path("top_p").asDouble(DEFAULT.topP()),
          List.of(),
          0);
    } catch (IOException | IllegalArgumentException e) {
      throw new BadInputException(file + ": " + LlamaConfig.firstLine(e.getMessage()));
    }
  }
}
