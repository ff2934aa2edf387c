package dev.deliberate.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.Choices;
import dev.deliberate.run.Accounting;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageExecutor;
import dev.deliberate.run.StageModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deliberate complete}: sends each prompt as it is to a model and stores the choices. */
@Command(
    name = "complete",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Send each prompt's messages as they are to a model and store the choices (reasoning, content, finish reason,"
          + " usage) per prompt id.",
      "Resumable: rerunning the same command skips prompts already done, retries failed ones, and never pays for a"
          + " cached reply twice. Exits 1 when any prompt finally failed (its record says why).",
      "MODEL is openai:NAME or http(s)://HOST:PORT/v1#NAME; several base URLs joined by commas share the load."
    })
final class CompleteCommand extends BaseCommand {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "The model string.")
  String model;

  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Prompts (JSONL of prompt records).")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Completions (JSONL), appended as they finish.")
  Path out;

  @Option(names = "-n", defaultValue = "1", paramLabel = "K", description = "Choices per prompt (default: ${DEFAULT-VALUE}); a server that returns fewer is asked again for"
          + " the rest (with --seed + 1, + 2, ...).")
  int n;

  @Mixin SamplingOptions sampling;

  @Mixin SeedOption seedOption;

  @Option(names = "--extra", paramLabel = "KEY=JSON",
      description = "A server-specific body field passed through, e.g. --extra top_k=20 (repeatable).")
  Map<String, String> extra = new LinkedHashMap<>();

  @Mixin ModelCallOptions call;

  @Option(names = "--run", paramLabel = "DIR", description = "Run directory for manifest.json and the cache (default: the directory of --out).")
  Path runDir;

  @Option(names = "--cache", paramLabel = "FILE", description = "Response cache to use instead of DIR/cache.sqlite (may be shared).")
  Path cacheFile;

  @Option(names = "--no-cache", description = "Call the model for every prompt, even when a reply is cached.")
  boolean noCache;

  @Option(names = "--retry-budget", paramLabel = "N", description = "Retries allowed across the whole run (default: one per prompt, at least 100).")
  Long retryBudget;

  @Option(names = "--rpm", defaultValue = "0", paramLabel = "N", description = "Requests per minute, 0 for no limit.")
  int rpm;

  @Option(names = "--tpm", defaultValue = "0", paramLabel = "N", description = "Tokens per minute, 0 for no limit.")
  long tpm;

  @Option(names = "--price", paramLabel = "IN,OUT", description = "US dollars per million prompt and completion tokens, for the cost line.")
  String price;

  /** One prompt's completions, as stored one per line. */
  record Completion(String model, List<Choice> choices, Usage usage) {}

  record Choice(int index, String reasoning, String content, @JsonProperty("finish_reason") String finishReason) {}

  record Usage(@JsonProperty("prompt_tokens") long promptTokens, @JsonProperty("completion_tokens") long completionTokens) {}

  @Override
  protected int run() throws Exception {
    validate();
    Map<String, Object> extraFields = parseExtra();
    if (!Files.isRegularFile(in)) {
      throw new BadInputException(in + ": no such file");
    }
    long total = StageExecutor.countRecords(in);
    RunDirectory run = RunDirectory.open(runDir != null ? runDir : out.toAbsolutePath().getParent(), version());
    StageModels.Calls calls = StageModels.Calls.defaults().withCache(cacheFile, !noCache)
        .withRetryBudget(retryBudget != null ? retryBudget : Math.max(100, total))
        .withRateLimits(rpm, tpm).withPrices(prices());
    String startedAt = Instant.now().toString();
    String inputHash = sha256(in);
    try (StageModels models = new StageModels(run, ModelStrings.resolver(), calls);
        JsonlReader<Prompt> prompts = JsonlReader.open(in, Prompts::decode, false)) {
      ChatModel caller = models.model(call.settings(model));
      Map<String, Object> config = config(caller.id());
      run.update(m -> m.withStage(stage("running", models, config, inputHash, null, startedAt, null, null)));
      StageExecutor<Prompt> executor = new StageExecutor<>(out, Prompt::id,
          prompt -> complete(caller, prompt, extraFields),
          StageExecutor.Options.of("complete", call.concurrency, err()).withRetries(models.accounting()::totalRetries));
      StageExecutor.Summary summary = executor.run(prompts.iterator(), total, s -> {
        String status = s.interrupted() ? "interrupted" : s.failed() > 0 ? "failed" : "done";
        run.update(m -> m.withStage(stage(status, models, config, inputHash, s, startedAt, Instant.now().toString(),
            s.elapsed().toMillis() / 1000.0)));
        printUsage(models.accounting());
      });
      if (summary.interrupted()) {
        return ExitCode.INTERRUPTED;
      }
      return summary.failed() > 0 ? ExitCode.FAILURE : ExitCode.OK;
    }
  }

  private Completion complete(ChatModel caller, Prompt prompt, Map<String, Object> extraFields) {
    if (prompt.messages().isEmpty()) {
      throw new BadInputException(in + ": prompt " + prompt.id() + " has no messages");
    }
    ChatRequest request = new ChatRequest(prompt.messages(), n, sampling.temperature, sampling.topP, sampling.maxTokens, seedOption.seed, List.of(), extraFields);
    // Servers that ignore n (llama.cpp's Python server) are asked again for the rest; usage adds up over requests.
    ChatResponse response = Choices.collect(caller, request);
    List<Choice> choices = response.choices().stream()
        .map(c -> new Choice(c.index(), c.reasoning(), c.content(), c.finishReason())).toList();
    return new Completion(caller.id(), choices, new Usage(response.usage().promptTokens(), response.usage().completionTokens()));
  }

  private void validate() {
    if (n < 1) {
      throw new BadInputException("-n: expected at least 1, got " + n);
    }
    if ((retryBudget != null && retryBudget < 0) || rpm < 0 || tpm < 0) {
      throw new BadInputException("--max-retries, --retry-budget, --rpm and --tpm cannot be negative");
    }
  }

  private Map<String, Object> parseExtra() {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : extra.entrySet()) {
      try {
        fields.put(e.getKey(), Json.mapper().readValue(e.getValue(), Object.class));
      } catch (JsonProcessingException notJson) {
        fields.put(e.getKey(), e.getValue()); // a bare word is a string
      }
    }
    return fields;
  }

  private Accounting.Prices prices() {
    if (price == null) {
      return Accounting.Prices.NONE;
    }
    String[] parts = price.split(",");
    try {
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      return Accounting.Prices.forEvery(
          new Accounting.Price(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim())));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--price: expected IN,OUT in US dollars per million tokens, e.g. 0.15,0.60; got '" + price + "'");
    }
  }

  /** The options as given, for the manifest: the key's variable name may appear, never the key. */
  private Map<String, Object> config(String modelId) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("model", modelId);
    c.put("in", in.toString());
    c.put("out", out.toString());
    c.put("n", n);
    c.put("temperature", sampling.temperature);
    c.put("top_p", sampling.topP);
    c.put("max_tokens", sampling.maxTokens);
    c.put("extra", extra);
    c.put("concurrency", call.concurrency);
    c.put("timeout_seconds", call.timeoutSeconds);
    c.put("max_retries", call.maxRetries);
    c.put("rpm", rpm);
    c.put("tpm", tpm);
    c.put("api_key_env", call.apiKeyEnv);
    c.put("cache", noCache ? "off" : cacheFile != null ? cacheFile.toString() : RunDirectory.CACHE);
    c.values().removeIf(java.util.Objects::isNull);
    return c;
  }

  private Manifest.Stage stage(String status, StageModels models, Map<String, Object> config, String inputHash,
      StageExecutor.Summary s, String startedAt, String finishedAt, Double seconds) {
    Manifest.Counts counts = s == null ? null : new Manifest.Counts(s.total(), s.doneInOutput(), s.failed(), s.skipped());
    return new Manifest.Stage("complete", status, models.modelIds(), seedOption.seed, config, inputHash, out.toString(), counts,
        startedAt, finishedAt, seconds, models.accounting().snapshot());
  }

  private void printUsage(Accounting accounting) {
    accounting.snapshot().forEach((id, u) -> err().printf("usage: %s: %d calls, %d cache hits, %d retries, %d failures, "
            + "%d prompt + %d completion tokens%s%n", id, u.requests(), u.cacheHits(), u.retries(), u.failures(),
        u.promptTokens(), u.completionTokens(), u.costUsd() == null ? "" : String.format(", $%.4f", u.costUsd())));
    err().flush();
  }

  private static String sha256(Path file) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream s = new DigestInputStream(Files.newInputStream(file), digest)) {
        s.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
