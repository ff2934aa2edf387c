package dev.deliberate.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.data.Message;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.TokenizerFiles;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.sampling.LocalChatModel;
import dev.deliberate.engine.tiny.BpeTrainer;
import dev.deliberate.io.Json;
import dev.deliberate.model.BatchChatModel;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ContextWindow;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.model.OpenAiChatModel;
import dev.deliberate.run.ModelSettings;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat completions server over a local model (a small random model in our layout), reached by our own
 * OpenAI-compatible client and by raw HTTP, through the same model factory the command uses.
 */
class ChatCompletionsServerTest {
  /** The model's context: small, so that an over-long prompt is easy to write. */
  static final int CONTEXT = 96;

  @TempDir static Path modelDir;
  @TempDir static Path runDir;
  static StageModels models;
  static StageModels.Local local;
  static final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private ChatCompletionsServer server;

  /** The local backend, counting the size of every batch it is given. */
  record CountingLocal(LocalChatModel model) implements BatchChatModel, ContextWindow {
    @Override
    public String id() {
      return model.id();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
      return chatAll(List.of(request)).get(0);
    }

    @Override
    public List<ChatResponse> chatAll(List<ChatRequest> requests) {
      batchSizes.add(requests.size());
      return model.chatAll(requests);
    }

    @Override
    public int promptTokens(List<Message> messages) {
      return model.promptTokens(messages);
    }

    @Override
    public int contextTokens() {
      return model.contextTokens();
    }
  }

  @BeforeAll
  static void build() throws Exception {
    var tokenizer = BpeTrainer.train(Collections.nCopies(3, "<|user|>Hello there, how are you?<|end|><|assistant|>"
        + "<think>A greeting.</think>Fine, thanks!<|end|>"), 320, TokenizerFiles.SPECIALS);
    TokenizerFiles.write(modelDir, tokenizer, CONTEXT, GenerationSettings.DEFAULT.withMaxNewTokens(8));
    LlamaConfig config = LlamaConfig.llama(tokenizer.path("model").path("vocab").size(), 32, 64, 1, 4, 2, CONTEXT, 0, 0);
    try (LocalModel m = LocalModel.random(config, 1, modelDir)) {
      m.save(modelDir);
    }
    ModelResolver resolver = new ModelResolver().register("local:",
        (s, o) -> new CountingLocal(LocalChatModel.open(Path.of(s.substring("local:".length())))));
    models = new StageModels(RunDirectory.open(runDir, "test"), resolver);
    local = models.local(ModelSettings.of("local:" + modelDir, null, 8, null, null, 8));
  }

  @AfterAll
  static void close() throws Exception {
    local.close();
    models.close();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private ChatCompletionsServer start(ChatCompletionsServer.Options options) throws Exception {
    ContextWindow window = (ContextWindow) local.backend();
    // As the command serves a local model: whole replies through the batching model caller, streamed ones alone.
    LocalChatModel backend = ((CountingLocal) local.backend()).model();
    ChatService service = StreamingChatService.of((id, request, metadata) -> local.model().chat(request),
        (request, listener) -> backend.chatStreaming(request, listener::text));
    server = ChatCompletionsServer.start("tiny-test", service, window, options.withPort(0), log::add);
    return server;
  }

  private ChatCompletionsServer start() throws Exception {
    return start(ChatCompletionsServer.Options.defaults());
  }

  private ChatModel client(String token) {
    return new OpenAiChatModel("served", "tiny-test", List.of(URI.create(server.baseUrl())), token,
        Duration.ofSeconds(60), 64);
  }

  private HttpResponse<String> post(String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl().replaceAll("/v1$", "") + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.mapper().readTree(response.body());
  }

  private static ChatRequest hello(int maxTokens) {
    return new ChatRequest(List.of(Message.user("Hello there, how are you?")), 1, 0.0, null, maxTokens, 1L, List.of(),
        Map.of());
  }

  @Test
  void ourClientGetsAnAnswerWithRealTokenCounts() throws Exception {
    start();
    ChatRequest request = hello(5);
    ChatResponse response = client(null).chat(request);
    assertEquals(1, response.choices().size());
    int promptTokens = ((ContextWindow) local.backend()).promptTokens(request.messages());
    assertEquals(promptTokens, response.usage().promptTokens(), "the prompt's tokens in the model's chat format");
    long completion = response.usage().completionTokens();
    assertTrue(completion >= 1 && completion <= 5, "at most max_tokens new tokens, got " + completion);
    String finish = response.choices().get(0).finishReason();
    assertTrue(finish.equals("length") == (completion == 5), finish + " after " + completion + " tokens");
  }

  @Test
  void nChoicesAreSampledAndCountedTogether() throws Exception {
    start();
    ChatResponse response = client(null).chat(hello(4).withN(3).withTemperature(1.0));
    assertEquals(3, response.choices().size());
    assertEquals(List.of(0, 1, 2), response.choices().stream().map(ChatResponse.Choice::index).toList());
    assertTrue(response.usage().completionTokens() >= 3, "every choice's tokens: " + response.usage());
  }

  @Test
  void sixtyFourConcurrentRequestsAreAllAnsweredInBatches() throws Exception {
    start();
    batchSizes.clear();
    ChatModel client = client(null);
    ExecutorService callers = Executors.newFixedThreadPool(64);
    try {
      List<Future<ChatResponse>> answers = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        answers.add(callers.submit(() -> client.chat(hello(3))));
      }
      for (Future<ChatResponse> answer : answers) {
        assertEquals(1, answer.get().choices().size());
      }
    } finally {
      callers.shutdownNow();
    }
    assertEquals(64, batchSizes.stream().mapToInt(Integer::intValue).sum(), "every request reached the model once");
    assertTrue(batchSizes.stream().allMatch(b -> b <= 8), "no batch over --concurrency: " + batchSizes);
    assertTrue(batchSizes.stream().anyMatch(b -> b > 1), "concurrent requests were sampled together: " + batchSizes);
  }

  @Test
  void aStreamIsServerSentEventsEndingInDoneWithTheSameTextAsTheWholeReply() throws Exception {
    start();
    String body = "{\"model\": \"tiny-test\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello there, how are you?\"}],"
        + " \"temperature\": 0, \"max_tokens\": 6, \"seed\": 1%s}";
    JsonNode whole = json(post(body.formatted(""), null));
    HttpResponse<String> streamed = post(body.formatted(", \"stream\": true, \"stream_options\": {\"include_usage\": true}"), null);
    assertEquals(200, streamed.statusCode(), streamed.body());
    assertEquals("text/event-stream", streamed.headers().firstValue("Content-Type").orElse(""));
    List<String> events = streamed.body().lines().filter(l -> !l.isEmpty()).toList();
    assertTrue(events.stream().allMatch(l -> l.startsWith("data: ")), streamed.body());
    assertEquals("data: [DONE]", events.get(events.size() - 1));
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    String finish = null;
    JsonNode usage = null;
    for (String event : events.subList(0, events.size() - 1)) {
      JsonNode chunk = Json.mapper().readTree(event.substring("data: ".length()));
      assertEquals("chat.completion.chunk", chunk.path("object").asText());
      if (chunk.path("choices").isEmpty()) {
        usage = chunk.path("usage");
        continue;
      }
      JsonNode choice = chunk.path("choices").get(0);
      content.append(choice.path("delta").path("content").asText(""));
      reasoning.append(choice.path("delta").path("reasoning_content").asText(""));
      if (!choice.path("finish_reason").isNull()) {
        finish = choice.path("finish_reason").asText();
      }
    }
    JsonNode message = whole.at("/choices/0/message");
    assertEquals(message.path("content").asText(), content.toString());
    assertEquals(message.path("reasoning_content").asText(""), reasoning.toString());
    assertEquals(whole.at("/choices/0/finish_reason").asText(), finish);
    assertEquals(whole.path("usage"), usage, "the usage chunk asked for by stream_options");
  }

  @Test
  void aStreamedReplyFromTheLocalModelComesInManyPiecesThatAddUpToTheWholeReply() throws Exception {
    start();
    String body = "{\"model\": \"tiny-test\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello there, how are you?\"}],"
        + " \"temperature\": 1.0, \"max_tokens\": 24, \"seed\": 5%s}";
    JsonNode whole = json(post(body.formatted(""), null));
    HttpResponse<String> streamed = post(body.formatted(", \"stream\": true"), null);
    assertEquals(200, streamed.statusCode(), streamed.body());
    List<String> events = streamed.body().lines().filter(l -> !l.isEmpty()).toList();
    assertEquals("data: [DONE]", events.get(events.size() - 1));
    List<String> contents = new ArrayList<>();
    StringBuilder reasoning = new StringBuilder();
    for (String event : events.subList(0, events.size() - 1)) {
      JsonNode delta = Json.mapper().readTree(event.substring("data: ".length())).at("/choices/0/delta");
      assertFalse(delta.has("content") && delta.has("reasoning_content") && !delta.path("content").asText().isEmpty(),
          "reasoning and content never share a chunk: " + event);
      if (!delta.path("content").asText("").isEmpty()) {
        contents.add(delta.path("content").asText());
      }
      reasoning.append(delta.path("reasoning_content").asText(""));
    }
    JsonNode message = whole.at("/choices/0/message");
    assertTrue(contents.size() > 1, "the answer came token by token, not as one delta: " + contents);
    assertEquals(message.path("content").asText(), String.join("", contents), "the same answer as the whole reply");
    assertEquals(message.path("reasoning_content").asText(""), reasoning.toString());
    String reasoningText = message.path("reasoning_content").asText("");
    assertTrue(reasoningText.isEmpty() || !String.join("", contents).contains(reasoningText),
        "reasoning never in content");
  }

  @Test
  void badRequestsAreAnsweredWithTheirStatusAndOneLineNamingTheField() throws Exception {
    start();
    String ok = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";
    assertError(post("{\"messages\": [", null), 400, null, "body: not valid JSON");
    assertError(post("{" + ok + ", \"temprature\": 0.5}", null), 400, "temprature", "temprature: unknown field");
    assertError(post("{\"model\": \"tiny-test\"}", null), 400, "messages", "messages: missing");
    assertError(post("{\"messages\": []}", null), 400, "messages", "messages: expected a non-empty array");
    assertError(post("{\"messages\": [{\"role\": \"robot\", \"content\": \"Hi\"}]}", null), 400, "messages[0].role",
        "messages[0].role: expected system, developer, user or assistant");
    assertError(post("{" + ok + ", \"max_tokens\": 100000}", null), 400, "max_tokens", "max_tokens: expected an integer in 1..2048");
    assertError(post("{" + ok + ", \"temperature\": \"hot\"}", null), 400, "temperature", "temperature: expected a number");
    assertError(post("{" + ok + ", \"logprobs\": true}", null), 400, "logprobs", "logprobs: not supported");
    assertEquals(200, post("{" + ok + ", \"logprobs\": false, \"frequency_penalty\": 0, \"max_tokens\": 2}", null).statusCode(),
        "neutral values of fields we do not implement are accepted");
    assertError(post("{\"model\": \"gpt-4o\", " + ok + "}", null), 404, "model", "model 'gpt-4o' is not served here");
    String longPrompt = "Hello there, how are you? ".repeat(40);
    HttpResponse<String> tooLong = post("{\"messages\": [{\"role\": \"user\", \"content\": \"" + longPrompt + "\"}]}", null);
    assertError(tooLong, 400, "messages", "messages: the prompt has ");
    assertEquals("context_length_exceeded", json(tooLong).at("/error/code").asText());
    assertTrue(json(tooLong).at("/error/message").asText().contains("the model's context is " + CONTEXT + " tokens"));
    assertTrue(log.isEmpty(), "bad input is the client's problem, not logged as a server error: " + log);
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    start(ChatCompletionsServer.Options.defaults().withLimits(200, 8, 64, 2048));
    String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(300) + "\"}]}";
    assertError(post(body, null), 413, null, "body is over the limit of 200 bytes (--max-body-bytes)");
  }

  @Test
  void theTokenIsNeededOnV1ButNotOnHealth() throws Exception {
    start(ChatCompletionsServer.Options.defaults().withApiKey("s3cret"));
    String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 2}";
    assertError(post(body, null), 401, null, "missing 'Authorization: Bearer TOKEN' header");
    assertError(post(body, "wrong"), 401, null, "wrong bearer token");
    assertEquals(200, post(body, "s3cret").statusCode());
    assertEquals(1, client("s3cret").chat(hello(2)).choices().size());
    HttpResponse<String> health = get("/health");
    assertEquals(200, health.statusCode());
    assertEquals("tiny-test", json(health).path("model").asText());
    assertEquals(CONTEXT, json(health).path("context_tokens").asInt());
    HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models"))
        .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("tiny-test", json(models).at("/data/0/id").asText());
    assertEquals("list", json(models).path("object").asText());
  }

  private static void assertError(HttpResponse<String> response, int status, String param, String messageStart)
      throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode error = json(response).path("error");
    String message = error.path("message").asText();
    assertTrue(message.startsWith(messageStart), message);
    assertFalse(message.contains("\n"), "one line: " + message);
    if (param != null) {
      assertEquals(param, error.path("param").asText(), response.body());
    }
  }
}
