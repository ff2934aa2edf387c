package dev.deliberate.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run directory's {@code manifest.json} says: the provenance of the run and the state of each stage.
 * The format is versioned; a reader refuses a version it does not know.
 *
 * @param formatVersion {@link #FORMAT_VERSION} when written by this code
 * @param projectVersion the deliberate version that last wrote it
 * @param javaVersion the Java runtime that last wrote it
 * @param createdAt when the run directory was made (ISO-8601)
 * @param specHash the hash of the spec the run uses, or null before a stage sets it
 * @param config free configuration of the run as a whole (the pipeline file's content, for example)
 * @param stages each stage by name, in the order they first ran
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("project_version") String projectVersion,
    @JsonProperty("java_version") String javaVersion,
    @JsonProperty("created_at") String createdAt,
    @JsonProperty("spec_hash") String specHash,
    Map<String, Object> config,
    Map<String, Stage> stages) {
  public static final int FORMAT_VERSION = 1;

  public Manifest {
    config = config == null ? Map.of() : Map.copyOf(config);
    stages = stages == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
  }

  public Manifest withStage(Stage stage) {
    Map<String, Stage> copy = new LinkedHashMap<>(stages);
    copy.put(stage.name(), stage);
    return new Manifest(formatVersion, projectVersion, javaVersion, createdAt, specHash, config, copy);
  }

  public Manifest withSpecHash(String hash) {
    return new Manifest(formatVersion, projectVersion, javaVersion, createdAt, hash, config, stages);
  }

  public Manifest withConfig(Map<String, Object> newConfig) {
    return new Manifest(formatVersion, projectVersion, javaVersion, createdAt, specHash, newConfig, stages);
  }

  /** Reads a manifest, refusing formats it does not know. */
  static Manifest parse(Path file, String text) {
    try {
      var node = Json.mapper().readTree(text);
      int version = node.path("format_version").asInt(-1);
      if (version != FORMAT_VERSION) {
        throw new BadInputException(file + ": format_version " + (version < 0 ? "missing" : version)
            + "; this deliberate reads version " + FORMAT_VERSION);
      }
      return Json.mapper().treeToValue(node, Manifest.class);
    } catch (JsonProcessingException e) {
      throw new BadInputException(file + ": not a valid manifest: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * One stage's state. Status is {@code running}, {@code done}, {@code failed} (finished with failed records) or
   * {@code interrupted}.
   *
   * @param models the ids of the models the stage called (never a secret)
   * @param seed the seed the stage used, or null
   * @param config the stage's options as given
   * @param counts total, done, failed, skipped (already in the output) records
   * @param usage token usage and cost per model id
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Stage(
      String name,
      String status,
      List<String> models,
      Long seed,
      Map<String, Object> config,
      @JsonProperty("input_hash") String inputHash,
      String output,
      Counts counts,
      @JsonProperty("started_at") String startedAt,
      @JsonProperty("finished_at") String finishedAt,
      Double seconds,
      Map<String, Accounting.ModelUsage> usage) {
    public Stage {
      models = models == null ? List.of() : List.copyOf(models);
      config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
      usage = usage == null ? Map.of() : Map.copyOf(usage);
    }
  }

  public record Counts(long total, long done, long failed, long skipped) {}
}
