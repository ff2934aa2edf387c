package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.data.JsonlAppender;
import dev.deliberate.engine.sampling.LocalChatModel;
import dev.deliberate.generate.Classifier;
import dev.deliberate.generate.LabelClassifier;
import dev.deliberate.generate.ModelClassifier;
import dev.deliberate.generate.ReferenceGenerator;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ContextWindow;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.ModelSettings;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageModels;
import dev.deliberate.serve.ChatCompletionsServer;
import dev.deliberate.serve.ChatService;
import dev.deliberate.serve.StreamingChatService;
import dev.deliberate.serve.Gateway;
import dev.deliberate.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deliberate serve}: an OpenAI-compatible endpoint for a local model, or the deliberation gateway. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve a model over OpenAI's chat completions API, for the openai SDKs, curl, LangChain, Open WebUI and "
          + "deliberate's own eval (--model http://127.0.0.1:8000/v1#NAME).",
      "",
      "  deliberate serve --model tiny                    (or local:DIR, local:FILE.gguf)",
      "  deliberate serve --gateway --upstream openai:gpt-4o-mini",
      "",
      "POST /v1/chat/completions (stream: true for server-sent events ending in data: [DONE]), GET /v1/models, "
          + "GET /health. Honoured: messages, n, temperature, top_p, max_tokens / max_completion_tokens, stop, seed, "
          + "stream_options.include_usage, metadata; the chain of thought is in message.reasoning_content "
          + "(delta.reasoning_content), never in content; usage counts real tokens. Unknown fields, bad values, a "
          + "missing messages array and a prompt longer than the model's context get 400 naming the field.",
      "",
      "A local model samples concurrent requests together: up to --concurrency requests form one batch, each "
          + "with its own temperature, top_p, max_tokens, stop and seed. Requests beyond --concurrency wait in a "
          + "queue of --queue; beyond that they get 503 with Retry-After. Streamed replies are sent when the answer "
          + "is complete.",
      "",
      "Gateway mode puts the spec in front of a model that was not trained on it: each conversation is classified "
          + "(metadata.category when it names a spec category, else --classifier), the generate stage's "
          + "instructions with spec(category) go first as a system message, the upstream's reasoning is cut off "
          + "and only the answer returned (the reasoning too with --show-reasoning). Upstream calls go through the "
          + "run machinery (response cache, retries, usage in RUN/manifest.json); RUN/gateway.jsonl logs each "
          + "request's category and the excerpt used.",
      ""
    })
final class ServeCommand extends BaseCommand {
  @Option(names = "--model", paramLabel = "MODEL",
      description = "The model to serve: local:DIR (a Hugging Face directory), local:FILE.gguf or tiny (the built-in model).")
  String model;

  @Option(names = "--gateway", description = "Serve the deliberation gateway in front of --upstream instead of a local model.")
  boolean gateway;

  @Option(names = "--upstream", paramLabel = "MODEL",
      description = "Gateway: the model asked, any model string (openai:NAME, http(s)://HOST:PORT/v1#NAME, local:DIR, tiny, reference).")
  String upstream;

  @Option(names = "--classifier", paramLabel = "MODEL",
      description = "Gateway: the model that picks a conversation's category (default: the upstream; reference reads metadata.category only).")
  String classifier;

  @Mixin SpecOption specOption;

  @Option(names = "--show-reasoning", description = "Gateway: return the upstream's reasoning in reasoning_content too.")
  boolean showReasoning;

  @Option(names = "--upstream-api-key-env", paramLabel = "VAR",
      description = "Gateway: environment variable with the upstream's API key (default: OPENAI_API_KEY for openai:, none for URLs).")
  String upstreamApiKeyEnv;

  @Option(names = "--no-cache", description = "Gateway: ask the upstream every time instead of answering a repeated request from the response cache.")
  boolean noCache;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The model name clients send and GET /v1/models lists (default: the --model string, or gateway:UPSTREAM).")
  String name;

  @Mixin ListenOptions listen;

  @Option(names = "--api-key-env", paramLabel = "VAR",
      description = "Require 'Authorization: Bearer TOKEN' on /v1/*, the token being this environment variable's value.")
  String apiKeyEnv;

  @Option(names = "--concurrency", defaultValue = "8", paramLabel = "N",
      description = "Requests worked on at once: a local model's largest batch, the gateway's upstream calls in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--queue", defaultValue = "64", paramLabel = "N",
      description = "Requests that may wait for a worker before more get 503 (default: ${DEFAULT-VALUE}).")
  int queue;

  @Option(names = "--max-body-bytes", defaultValue = "1048576", paramLabel = "N", description = "Largest request body (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  @Option(names = "--max-tokens-limit", defaultValue = "2048", paramLabel = "N",
      description = "Most max_tokens a request may ask for (default: ${DEFAULT-VALUE}).")
  int maxTokensLimit;

  @Option(names = "--max-n", defaultValue = "8", paramLabel = "N", description = "Most choices (n) per request (default: ${DEFAULT-VALUE}).")
  int maxN;

  @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS", description = "Longest one request may take (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(names = "--max-retries", defaultValue = "5", paramLabel = "N", description = "Retries of one request after the first try (default: ${DEFAULT-VALUE}).")
  int maxRetries;

  @Option(names = "--run", defaultValue = "runs/serve", paramLabel = "DIR",
      description = "Run directory: manifest.json (models, usage), the response cache, gateway.jsonl (default: ${DEFAULT-VALUE}).")
  Path runDir;

  @Option(names = "--batch-wait", defaultValue = "10", paramLabel = "MS",
      description = "Local model: a batch that finds the model idle starts once no request has joined it for this"
          + " long; requests that come while the model is busy join the next batch anyway (default: ${DEFAULT-VALUE}).")
  long batchWaitMillis;

  /** Requests per classification when the classifier's reply is malformed. */
  static final int CLASSIFY_ATTEMPTS = 3;

  @Override
  protected int run() throws Exception {
    checkMode();
    String apiKey = ServerStage.bearerToken(apiKeyEnv);
    ChatCompletionsServer.Options options = new ChatCompletionsServer.Options(listen.host, listen.port, maxBodyBytes, concurrency,
        queue, maxN, maxTokensLimit, apiKey);
    RunDirectory run = RunDirectory.open(runDir, StageCommand.version());
    StageModels.Calls calls = StageModels.Calls.defaults().withCache(null, !noCache);
    try (StageModels models = new StageModels(run, ModelStrings.resolver(), calls)) {
      return gateway ? serveGateway(run, models, options) : serveLocal(run, models, options);
    }
  }

  private void checkMode() {
    if (gateway) {
      if (upstream == null) {
        throw new BadInputException("--gateway: needs --upstream MODEL, the model the gateway asks");
      }
      if (model != null) {
        throw new BadInputException("--model: not with --gateway; the gateway's model is --upstream");
      }
      return;
    }
    if (model == null) {
      throw new BadInputException("--model: required (local:DIR, local:FILE.gguf or tiny), or --gateway --upstream MODEL");
    }
    for (String[] gatewayOnly : new String[][] {{"--upstream", upstream}, {"--classifier", classifier},
        {"--upstream-api-key-env", upstreamApiKeyEnv}, {"--spec", specOption.file == null ? null : "set"},
        {"--show-reasoning", showReasoning ? "set" : null}}) {
      if (gatewayOnly[1] != null) {
        throw new BadInputException(gatewayOnly[0] + ": only with --gateway");
      }
    }
    if (!localModel(model)) {
      throw new BadInputException("--model: expected local:DIR, local:FILE.gguf or tiny, got '" + model
          + "'; to put the spec in front of another model use --gateway --upstream " + model);
    }
  }

  private Duration batchWait() {
    if (batchWaitMillis < 0) {
      throw new BadInputException("--batch-wait: expected 0 or more milliseconds, got " + batchWaitMillis);
    }
    return Duration.ofMillis(batchWaitMillis);
  }

  private static boolean localModel(String modelString) {
    return modelString.equals("tiny") || StageModels.isLocal(modelString);
  }

  /** {@code tiny} is {@code local:tiny} to the model factory. */
  private static String factoryString(String modelString) {
    return modelString.equals("tiny") ? "local:tiny" : modelString;
  }

  private ModelSettings settings(String modelString, String keyEnv) {
    return ModelCallOptions.settings(factoryString(modelString), keyEnv, concurrency, timeoutSeconds, maxRetries);
  }

  private int serveLocal(RunDirectory run, StageModels models, ChatCompletionsServer.Options options) throws Exception {
    String served = name != null ? name : model;
    String startedAt = Instant.now().toString();
    try (StageModels.Local local = models.local(settings(model, null), batchWait())) {
      ContextWindow window = local.backend() instanceof ContextWindow w ? w : null;
      ChatModel answering = local.model();
      ChatService whole = (id, request, metadata) -> answering.chat(request);
      // A streamed request is sampled alone, so that its tokens can go out as they come.
      ChatService service = local.backend() instanceof LocalChatModel backend
          ? StreamingChatService.of(whole, (request, listener) -> {
            ChatResponse response = backend.chatStreaming(request, listener::text);
            models.counted(backend.id(), response.usage());
            return response;
          })
          : whole;
      try (ServerStage stage = new ServerStage(run, status -> stage(models, startedAt, status, served), m -> m, "serve");
          ChatCompletionsServer server = ChatCompletionsServer.start(served, service, window, options, this::log)) {
        return announce(server, "local model " + local.backend().id() + ", batches of up to " + concurrency
            + (window == null ? "" : ", context " + window.contextTokens() + " tokens"), options);
      }
    }
  }

  private int serveGateway(RunDirectory run, StageModels models, ChatCompletionsServer.Options options)
      throws Exception {
    Spec spec = specOption.parse();
    String served = name != null ? name : "gateway:" + upstream;
    String startedAt = Instant.now().toString();
    StageModels.Local local = localModel(upstream) ? models.local(settings(upstream, upstreamApiKeyEnv), batchWait()) : null;
    try (local; JsonlAppender log = JsonlAppender.open(run.file("gateway.jsonl"))) {
      ChatModel asked = local != null ? local.model() : models.model(settings(upstream, upstreamApiKeyEnv));
      String classifying = classifier != null ? classifier : upstream;
      Classifier classify = ReferenceGenerator.isReference(classifying) ? new LabelClassifier(spec)
          : new ModelClassifier(classifying.equals(upstream) ? asked
              : models.model(settings(classifying, upstreamApiKeyEnv)), spec, CLASSIFY_ATTEMPTS);
      Gateway service = new Gateway(asked, classify, spec, Stage1Prompt.standard(), showReasoning, log);
      try (ServerStage stage = new ServerStage(run, status -> stage(models, startedAt, status, served),
          m -> m.withSpecHash(spec.hash()), "serve");
          ChatCompletionsServer server = ChatCompletionsServer.start(served, service, null, options, this::log)) {
        return announce(server, "gateway to " + asked.id() + ", spec " + spec.id() + " " + spec.version()
            + ", classifier " + classify.id() + (showReasoning ? ", reasoning shown" : "") + "; log "
            + run.file("gateway.jsonl"), options);
      }
    }
  }

  private int announce(ChatCompletionsServer server, String what, ChatCompletionsServer.Options options)
      throws Exception {
    String base = server.baseUrl();
    boolean tokenRequired = options.apiKey() != null;
    return ServerStage.announceAndServe(out(), err(), listen, tokenRequired, "the model",
        String.format("serving '%s' on %s (%s)", server.name(), base, what),
        String.format("POST %s/chat/completions, GET %s/models, GET %s/health%s", base, base,
            base.replaceAll("/v1$", ""), tokenRequired ? "; bearer token required on /v1/*" : ""));
  }

  private void log(String line) {
    err().println(line);
    err().flush();
  }

  /** The server's entry in the manifest: what is served, the models called and their usage so far. */
  private Manifest.Stage stage(StageModels models, String startedAt, String status, String served) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("mode", gateway ? "gateway" : "local");
    config.put("name", served);
    config.put(gateway ? "upstream" : "model", gateway ? upstream : model);
    if (gateway) {
      config.put("classifier", classifier != null ? classifier : upstream);
      config.put("show_reasoning", showReasoning);
      config.put("instructions_version", Stage1Prompt.standard().version());
    }
    config.put("concurrency", concurrency);
    config.put("queue", queue);
    config.put("max_tokens_limit", maxTokensLimit);
    config.put("batch_wait_ms", batchWaitMillis);
    return new Manifest.Stage("serve", status, models.modelIds(), null, config, null, null, null, startedAt,
        status.equals("running") ? null : Instant.now().toString(), null, models.accounting().snapshot());
  }
}
