package dev.deliberate.app;

import dev.deliberate.run.Manifest;
import dev.deliberate.run.ModelSettings;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageModels;
import dev.deliberate.serve.RewardScorer;
import dev.deliberate.serve.RewardServer;
import dev.deliberate.spec.Spec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deliberate serve-reward}: the spec judge as an HTTP reward model for RL frameworks. */
@Command(
    name = "serve-reward",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the judge as a reward model over HTTP, for OpenRLHF, verl, TRL and other RL frameworks.",
      "",
      "POST /reward takes OpenRLHF's {\"query\", \"prompts\", \"labels\"} and answers {\"rewards\", \"scores\", "
          + "\"extra_logs\"}; each label names the prompt's category: an anchor such as \"violence\", or "
          + "{\"category\": \"violence\", \"expected\": \"refuse\"} (as an object or as JSON text); an empty label "
          + "means unlabelled: a model judge classifies the prompt first, the reference judge scores it 0.5 (neutral).",
      "POST /score takes one {\"prompt\", \"response\", \"category\", \"expected\"?} item, an array of them or "
          + "{\"items\": [...]} and answers {\"scores\", \"results\"} with each judgment's criteria.",
      "GET /health answers the status, the judge and the spec.",
      "",
      "The chain of thought (<think> blocks and the like) is cut out of every response before the judge sees it. "
          + "Requests beyond --concurrency wait in a queue of --queue; beyond that they get 503 with Retry-After. "
          + "Bad JSON or fields give 400, too-big bodies or batches 413, a failing judge call 502. "
          + "See docs/reward-server.md.",
      ""
    })
final class ServeRewardCommand extends BaseCommand {
  @Option(names = "--judge", required = true, paramLabel = "MODEL",
      description = "The judge: 'reference' (rule-based, offline) or a model string such as openai:gpt-4o-mini.")
  String judge;

  @Mixin SpecOption specOption;

  @Mixin ListenOptions listen;

  @Option(names = "--api-key-env", paramLabel = "VAR",
      description = "Require 'Authorization: Bearer TOKEN' on /reward and /score, the token being this environment variable's value.")
  String apiKeyEnv;

  @Option(names = "--judge-api-key-env", paramLabel = "VAR",
      description = "Environment variable with the judge model's API key (default: OPENAI_API_KEY for openai:, none for URLs).")
  String judgeApiKeyEnv;

  @Option(names = "--max-batch", defaultValue = "1024", paramLabel = "N", description = "Most items in one request (default: ${DEFAULT-VALUE}).")
  int maxBatch;

  @Option(names = "--max-body-bytes", defaultValue = "16777216", paramLabel = "N", description = "Largest request body (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  @Option(names = "--concurrency", defaultValue = "8", paramLabel = "N",
      description = "Requests worked on at once, and judge calls in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--queue", defaultValue = "64", paramLabel = "N",
      description = "Requests that may wait for a worker before more get 503 (default: ${DEFAULT-VALUE}).")
  int queue;

  @Option(names = "--run", defaultValue = "runs/serve-reward", paramLabel = "DIR",
      description = "Run directory for the judge model's response cache and manifest.json (models, usage; default:"
          + " ${DEFAULT-VALUE}).")
  Path runDir;

  @Override
  protected int run() throws Exception {
    String apiKey = ServerStage.bearerToken(apiKeyEnv);
    RewardServer.Options options = new RewardServer.Options(listen.host, listen.port, maxBatch, maxBodyBytes, concurrency, queue, apiKey);
    Spec spec = specOption.parse();
    ModelSettings settings = ModelSettings.of(judge, judgeApiKeyEnv, concurrency, null, null, concurrency);
    RunDirectory run = RunDirectory.open(runDir, StageCommand.version());
    String startedAt = Instant.now().toString();
    try (StageModels models = new StageModels(run, ModelStrings.resolver())) {
      RewardScorer scorer = ServeRewardJudges.scorer(settings, spec, models);
      try (ServerStage stage = new ServerStage(run, status -> stage(models, scorer, spec, startedAt, status),
          m -> m.withSpecHash(spec.hash()), "serve-reward");
          RewardServer server = RewardServer.start(scorer, spec, options, line -> {
            err().println(line);
            err().flush();
          })) {
        return serve(server, scorer, spec, apiKey);
      }
    }
  }

  private int serve(RewardServer server, RewardScorer scorer, Spec spec, String apiKey) throws Exception {
    String url = server.url();
    return ServerStage.announceAndServe(out(), err(), listen, apiKey != null, "the judge",
        String.format("serving reward on %s (judge %s, spec %s %s, %d categories)", url, scorer.judge().id(),
            spec.id(), spec.version(), spec.categories().size()),
        String.format("POST %s/reward (OpenRLHF), POST %s/score, GET %s/health%s", url, url, url,
            apiKey == null ? "" : "; bearer token required"));
  }

  /** The server's entry in the manifest: the judge, the models called and their usage so far. */
  private Manifest.Stage stage(StageModels models, RewardScorer scorer, Spec spec, String startedAt, String status) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("judge", judge);
    config.put("judge_id", scorer.judge().id());
    config.put("spec", spec.id() + " " + spec.version());
    config.put("concurrency", concurrency);
    config.put("max_batch", maxBatch);
    List<String> used = models.modelIds().isEmpty() ? List.of(scorer.judge().id()) : models.modelIds();
    return new Manifest.Stage("serve-reward", status, used, ServeRewardJudges.SEED, config, null, null,
        null, startedAt, status.equals("running") ? null : Instant.now().toString(), null, models.accounting().snapshot());
  }
}
