package dev.deliberate.pipeline;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deliberate.dataset.FilterOptions;
import java.util.List;

/**
 * A pipeline file. Every section but {@code spec} is optional: a stage whose section is missing is skipped and
 * the next stage reads the previous stage's output. Relative paths are relative to the pipeline file's directory.
 * Field names are snake_case in YAML. Validation messages start with the field name so that the reader can point
 * at its line.
 *
 * @param name a name for the run, shown in the manifest
 * @param runDir the run directory (default {@code runs/NAME} beside the pipeline file's parent)
 * @param spec the spec file
 * @param seed the seed every stage derives its own from (default 1)
 * @param benchmarks a directory that paths may refer to as {@code ${benchmarks}}
 * @param sources the {@code import} section: prompt files to import
 */
public record PipelineConfig(
    String name,
    String runDir,
    String spec,
    Long seed,
    String benchmarks,
    @JsonProperty("import") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Source> sources,
    Attack attack,
    Split split,
    Classify classify,
    Generate generate,
    Judge judge,
    Filter filter,
    Export export) {
  public PipelineConfig {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("spec: required: the path of the safety spec");
    }
    sources = sources == null ? List.of() : List.copyOf(sources);
    seed = seed == null ? 1L : seed;
  }

  /**
   * One prompt file to import.
   *
   * @param format {@code strongreject}, {@code xstest} (the benchmark CSVs) or {@code jsonl} (prompt records)
   * @param path the file
   * @param limit import at most this many prompts from it (the first ones), or null for all
   */
  public record Source(String format, String path, Integer limit) {
    public Source {
      if (format == null || !List.of("strongreject", "xstest", "jsonl").contains(format)) {
        throw new IllegalArgumentException("format: expected strongreject, xstest or jsonl, got " + format);
      }
      if (path == null || path.isBlank()) {
        throw new IllegalArgumentException("path: required");
      }
      if (limit != null && limit < 1) {
        throw new IllegalArgumentException("limit: expected at least 1, got " + limit);
      }
    }
  }

  /**
   * @param attacks attack names, or {@code all}
   * @param keepOriginal keep the plain prompt beside its attacked variants (default true)
   */
  public record Attack(@JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> attacks,
      Boolean keepOriginal) {
    public Attack {
      if (attacks == null || attacks.isEmpty()) {
        throw new IllegalArgumentException("attacks: expected 'all' or a list of attack names");
      }
      attacks = List.copyOf(attacks);
      keepOriginal = keepOriginal == null || keepOriginal;
    }
  }

  /**
   * @param evalShare the share of requests held out for evaluation (default 0.3)
   * @param holdoutAttacks attacks or attack families kept out of training
   */
  public record Split(Double evalShare, List<String> holdoutAttacks) {
    public Split {
      evalShare = evalShare == null ? 0.3 : evalShare;
      if (evalShare < 0 || evalShare >= 1) {
        throw new IllegalArgumentException("eval_share: expected a number in [0, 1), got " + evalShare);
      }
      holdoutAttacks = holdoutAttacks == null ? List.of() : List.copyOf(holdoutAttacks);
    }
  }

  /** How a stage reaches its model; see the models documentation for model strings. */
  public record ModelSettings(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds,
      Integer maxRetries) {
    static ModelSettings of(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds,
        Integer maxRetries, int defaultConcurrency) {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("model: required: a model string such as reference or http://HOST:PORT/v1#NAME");
      }
      if (concurrency != null && concurrency < 1) {
        throw new IllegalArgumentException("concurrency: expected at least 1, got " + concurrency);
      }
      if (timeoutSeconds != null && !(timeoutSeconds > 0)) {
        throw new IllegalArgumentException("timeout_seconds: expected a positive number, got " + timeoutSeconds);
      }
      if (maxRetries != null && maxRetries < 0) {
        throw new IllegalArgumentException("max_retries: expected 0 or more, got " + maxRetries);
      }
      return new ModelSettings(model, apiKeyEnv, concurrency == null ? defaultConcurrency : concurrency,
          timeoutSeconds == null ? 600.0 : timeoutSeconds, maxRetries == null ? 5 : maxRetries);
    }
  }

  /** @param attempts requests per prompt when the reply is not valid JSON (default 3) */
  public record Classify(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds, Integer maxRetries,
      Integer attempts) {
    public Classify {
      ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
      attempts = positive("attempts", attempts, 3);
    }

    public ModelSettings settings() {
      return ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
    }
  }

  /**
   * @param samples K, samples per prompt (default 2)
   * @param passLabels send the prompt's labels to the model; default: only when the model is {@code reference}
   */
  public record Generate(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds, Integer maxRetries,
      Integer samples, Double temperature, Double topP, Integer maxTokens, Boolean passLabels) {
    public Generate {
      ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
      samples = positive("samples", samples, 2);
      if (maxTokens != null && maxTokens < 1) {
        throw new IllegalArgumentException("max_tokens: expected at least 1, got " + maxTokens);
      }
      if (temperature != null && (temperature < 0 || temperature > 2)) {
        throw new IllegalArgumentException("temperature: expected a number from 0 to 2, got " + temperature);
      }
      if (topP != null && (topP <= 0 || topP > 1)) {
        throw new IllegalArgumentException("top_p: expected a number in (0, 1], got " + topP);
      }
      passLabels = passLabels == null ? "reference".equals(model) : passLabels;
    }

    public ModelSettings settings() {
      return ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
    }
  }

  /**
   * @param samples K, verdicts per sample, aggregated by the minimum (default 3)
   * @param seesCot show the chain of thought to the judge (default true: filtering)
   * @param labelHint offer the prompt's expected behaviour as a label to agree or disagree with (default true)
   * @param attempts requests per verdict when the reply is malformed (default 3)
   * @param jsonMode ask the server for a JSON object (default true)
   */
  public record Judge(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds, Integer maxRetries,
      Integer samples, Boolean seesCot, Boolean labelHint, Integer attempts, Double temperature, Integer maxTokens,
      Boolean jsonMode) {
    public Judge {
      ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
      samples = positive("samples", samples, 3);
      attempts = positive("attempts", attempts, 3);
      seesCot = seesCot == null || seesCot;
      labelHint = labelHint == null || labelHint;
      jsonMode = jsonMode == null || jsonMode;
    }

    public ModelSettings settings() {
      return ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
    }
  }

  /** See {@link FilterOptions} for the meaning and defaults. */
  public record Filter(Double threshold, Boolean bestOfK, Integer categoryCap, Boolean dedup, Boolean dropSuspicious) {
    public Filter {
      if (threshold != null && (threshold < 0 || threshold > 1)) {
        throw new IllegalArgumentException("threshold: expected a number from 0 to 1, got " + threshold);
      }
      if (categoryCap != null && categoryCap < 1) {
        throw new IllegalArgumentException("category_cap: expected at least 1, got " + categoryCap);
      }
    }

    public FilterOptions options() {
      FilterOptions d = FilterOptions.defaults();
      return new FilterOptions(threshold == null ? d.threshold() : threshold, bestOfK == null ? d.bestOfK() : bestOfK,
          categoryCap, dedup == null ? d.dedup() : dedup, dropSuspicious == null ? d.dropSuspicious() : dropSuspicious);
    }
  }

  /**
   * @param formats any of {@code jsonl}, {@code openai}, {@code hf} (default all three)
   * @param hfReasoning {@code think} (inline before the reply, default) or {@code field}
   * @param dir the export directory (default {@code export} in the run directory)
   */
  public record Export(List<String> formats, String hfReasoning, String dir) {
    public Export {
      formats = formats == null || formats.isEmpty() ? List.of("jsonl", "openai", "hf") : List.copyOf(formats);
      for (String f : formats) {
        if (!List.of("jsonl", "openai", "hf").contains(f)) {
          throw new IllegalArgumentException("formats: expected jsonl, openai or hf, got " + f);
        }
      }
      hfReasoning = hfReasoning == null ? "think" : hfReasoning;
      if (!List.of("think", "field").contains(hfReasoning)) {
        throw new IllegalArgumentException("hf_reasoning: expected think or field, got " + hfReasoning);
      }
    }
  }

  static Integer positive(String field, Integer value, int defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (value < 1) {
      throw new IllegalArgumentException(field + ": expected at least 1, got " + value);
    }
    return value;
  }
}
