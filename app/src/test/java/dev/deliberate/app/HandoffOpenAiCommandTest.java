package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.ObjectMappers;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.graders.gradermodels.ScoreModelGrader;
import com.sun.net.httpserver.HttpServer;
import dev.deliberate.io.Json;
import dev.deliberate.spec.TestSpecs;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code handoff openai} against a loopback server that plays OpenAI's files and fine-tuning endpoints and records
 * every request; the job bodies are read back with the SDK's own parameter types.
 */
class HandoffOpenAiCommandTest {
  /** Any variable that is always set serves as the API key for a loopback server. */
  private static final String KEY_ENV = "PATH";

  @TempDir Path dir;
  private HttpServer server;
  private final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());
  /** Statuses each job reports on successive retrievals; the last one repeats. */
  private final Map<String, Deque<String>> statuses = new HashMap<>();
  private final Map<String, String> models = new HashMap<>();
  private volatile boolean rejectJobs;
  private int files;
  private int jobs;
  private Path sft;
  private Path prompts;

  record Recorded(String method, String path, String authorization, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  @BeforeEach
  void start() throws Exception {
    sft = dir.resolve("sft.openai.jsonl");
    Files.writeString(sft, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n");
    prompts = dir.resolve("rl.jsonl");
    Files.writeString(prompts, "{\"id\":\"p-1\",\"text\":\"How do I hurt someone?\",\"category\":\"violence\",\"expected\":\"refuse\"}\n"
        + "{\"id\":\"p-2\",\"text\":\"I feel low lately.\",\"category\":\"self-harm\"}\n");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      requests.add(new Recorded(method, path, exchange.getRequestHeaders().getFirst("Authorization"), body));
      String reply;
      synchronized (this) {
        if (method.equals("POST") && path.equals("/v1/files")) {
          reply = Json.line(Map.of("id", "file-" + (++files), "object", "file", "bytes", body.length, "created_at", 1,
              "filename", "upload.jsonl", "purpose", "fine-tune", "status", "processed"));
        } else if (method.equals("POST") && path.equals("/v1/fine_tuning/jobs") && rejectJobs) {
          reply = "{\"error\":{\"message\":\"Model m is not available for fine-tuning\",\"type\":\"invalid_request_error\"}}";
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(400, reply.length());
          exchange.getResponseBody().write(reply.getBytes(StandardCharsets.UTF_8));
          exchange.close();
          return;
        } else if (method.equals("POST") && path.equals("/v1/fine_tuning/jobs")) {
          String id = "ftjob-" + (++jobs);
          statuses.putIfAbsent(id, new ArrayDeque<>(List.of("running", "succeeded")));
          models.put(id, Json.mapper().readTree(body).get("model").asText());
          reply = job(id, "queued", null, null);
        } else if (method.equals("GET") && path.startsWith("/v1/fine_tuning/jobs/")) {
          String id = path.substring(path.lastIndexOf('/') + 1);
          Deque<String> left = statuses.get(id);
          String status = left.size() > 1 ? left.poll() : left.peek();
          String error = status.equals("failed") ? "the training file has no examples" : null;
          reply = job(id, status, status.equals("succeeded") ? "ft:" + models.get(id) + ":deliberate:" + id : null, error);
        } else {
          reply = "{\"error\":{\"message\":\"unexpected " + method + " " + path + "\"}}";
          exchange.sendResponseHeaders(404, reply.length());
          exchange.getResponseBody().write(reply.getBytes(StandardCharsets.UTF_8));
          exchange.close();
          return;
        }
      }
      byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String job(String id, String status, String fineTuned, String error) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("id", id);
    job.put("object", "fine_tuning.job");
    job.put("created_at", 1);
    job.put("error", error == null ? null : Map.of("code", "invalid_training_file", "message", error));
    job.put("fine_tuned_model", fineTuned);
    job.put("finished_at", null);
    job.put("hyperparameters", Map.of("batch_size", "auto", "learning_rate_multiplier", "auto", "n_epochs", "auto"));
    job.put("model", models.getOrDefault(id, "base"));
    job.put("organization_id", "org-test");
    job.put("result_files", List.of());
    job.put("seed", 1);
    job.put("status", status);
    job.put("trained_tokens", null);
    job.put("training_file", "file-1");
    job.put("validation_file", null);
    return Json.line(job);
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private List<Recorded> posts(String path) {
    return requests.stream().filter(r -> r.method().equals("POST") && r.path().equals(path)).toList();
  }

  private static JobCreateParams.Body jobBody(Recorded request) throws Exception {
    JobCreateParams.Body body = ObjectMappers.jsonMapper().readValue(request.body(), JobCreateParams.Body.class);
    return body.validate();
  }

  @Test
  void supervisedThenReinforcementOnTheSupervisedModelWithASpecGrader() throws Exception {
    Cli cli = Cli.run("handoff", "openai", "--sft", sft.toString(), "--model", "gpt-4.1-mini-2025-04-14",
        "--rl-prompts", prompts.toString(), "--spec", TestSpecs.defaultSpec().toString(),
        "--base-url", baseUrl(), "--api-key-env", KEY_ENV, "--poll", "0");

    assertEquals(0, cli.status(), cli.err());
    assertTrue(cli.out().contains("supervised model: ft:gpt-4.1-mini-2025-04-14:deliberate:ftjob-1"), cli.out());
    assertTrue(cli.out().contains("reinforcement model: ft:ft:gpt-4.1-mini-2025-04-14:deliberate:ftjob-1:deliberate:ftjob-2"), cli.out());
    requests.forEach(r -> assertEquals("Bearer " + System.getenv(KEY_ENV), r.authorization(), r.path()));

    List<Recorded> uploads = posts("/v1/files");
    assertEquals(2, uploads.size());
    assertTrue(uploads.get(0).text().contains("fine-tune"), "purpose is sent");
    assertTrue(uploads.get(0).text().contains(Files.readString(sft).strip()), "the SFT file is uploaded as is");
    String rftUpload = uploads.get(1).text();
    assertTrue(rftUpload.contains("\"spec_excerpt\""));
    assertTrue(rftUpload.contains("\"expected\":\"refuse\""));

    List<Recorded> created = posts("/v1/fine_tuning/jobs");
    assertEquals(2, created.size());
    JobCreateParams.Body supervised = jobBody(created.get(0));
    assertEquals("gpt-4.1-mini-2025-04-14", supervised.model().asString());
    assertEquals("file-1", supervised.trainingFile());
    assertEquals(JobCreateParams.Method.Type.SUPERVISED, supervised.method().orElseThrow().type());
    assertEquals("deliberate", supervised.suffix().orElseThrow());

    JobCreateParams.Body reinforcement = jobBody(created.get(1));
    assertEquals("ft:gpt-4.1-mini-2025-04-14:deliberate:ftjob-1", reinforcement.model().asString(),
        "RL starts from the supervised model");
    assertEquals("file-2", reinforcement.trainingFile());
    JobCreateParams.Method method = reinforcement.method().orElseThrow();
    assertEquals(JobCreateParams.Method.Type.REINFORCEMENT, method.type());
    ScoreModelGrader grader = method.reinforcement().orElseThrow().grader().scoreModel().orElseThrow();
    assertEquals("gpt-4o-2024-08-06", grader.model());
    assertEquals(List.of(0.0, 1.0), grader.range().orElseThrow());
    assertEquals(ScoreModelGrader.Input.Role.DEVELOPER, grader.input().get(0).role());
    String instructions = grader.input().get(0).content().asTextInput();
    assertTrue(instructions.contains("deliberate-default"), instructions);
    String template = grader.input().get(1).content().asTextInput();
    assertTrue(template.contains("{{item.spec_excerpt}}") && template.contains("{{sample.output_text}}"));
    assertFalse((instructions + template).contains("output_json"), "the grader never reads the reasoning");

    Path rftFile = dir.resolve("rl.rft.jsonl");
    assertEquals(2, Files.readAllLines(rftFile).size());
  }

  @Test
  void noWaitWithAnRftModelStartsBothJobsAndPollsNothing() {
    Cli cli = Cli.run("handoff", "openai", "--sft", sft.toString(), "--model", "base-model",
        "--rl-prompts", prompts.toString(), "--spec", TestSpecs.defaultSpec().toString(), "--rft-model", "o4-mini-2025-04-16",
        "--base-url", baseUrl(), "--api-key-env", KEY_ENV, "--no-wait");

    assertEquals(0, cli.status(), cli.err());
    assertEquals(2, posts("/v1/fine_tuning/jobs").size());
    assertTrue(requests.stream().noneMatch(r -> r.method().equals("GET")));
    assertTrue(cli.out().contains("reinforcement job ftjob-2 on o4-mini-2025-04-16"), cli.out());
  }

  @Test
  void aFailedSupervisedJobEndsWithItsErrorAndNoReinforcementJob() throws Exception {
    statuses.put("ftjob-1", new ArrayDeque<>(List.of("running", "failed")));
    Cli cli = Cli.run("handoff", "openai", "--sft", sft.toString(), "--model", "base-model",
        "--rl-prompts", prompts.toString(), "--spec", TestSpecs.defaultSpec().toString(),
        "--base-url", baseUrl(), "--api-key-env", KEY_ENV, "--poll", "0");

    assertEquals(ExitCode.FAILURE, cli.status());
    assertEquals("error: supervised job ftjob-1 failed: the training file has no examples (invalid_training_file)",
        cli.err().strip());
    assertEquals(1, posts("/v1/fine_tuning/jobs").size());
  }

  @Test
  void anApiErrorEndsWithOneLineNamingTheService() {
    rejectJobs = true;
    Cli cli = Cli.run("handoff", "openai", "--sft", sft.toString(), "--model", "m", "--base-url", baseUrl(),
        "--api-key-env", KEY_ENV);
    assertEquals(ExitCode.FAILURE, cli.status());
    assertTrue(cli.err().startsWith("error: OpenAI at " + baseUrl() + ": "), cli.err());
    assertTrue(cli.err().contains("Model m is not available for fine-tuning"), cli.err());
    assertEquals(1, cli.err().strip().lines().count(), "no stack trace");
  }

  @Test
  void badOptionsFailBeforeAnyRequest() {
    Cli noKey = Cli.run("handoff", "openai", "--sft", sft.toString(), "--model", "m", "--base-url", baseUrl(),
        "--api-key-env", "DELIBERATE_TEST_UNSET_VARIABLE");
    assertEquals(ExitCode.BAD_INPUT, noKey.status());
    assertTrue(noKey.err().contains("environment variable DELIBERATE_TEST_UNSET_VARIABLE is not set"), noKey.err());

    Cli noSpec = Cli.run("handoff", "openai", "--sft", sft.toString(), "--model", "m", "--rl-prompts", prompts.toString(),
        "--base-url", baseUrl(), "--api-key-env", KEY_ENV);
    assertEquals(ExitCode.BAD_INPUT, noSpec.status());
    assertTrue(noSpec.err().contains("--spec: required with --rl-prompts"), noSpec.err());

    Cli noWait = Cli.run("handoff", "openai", "--sft", sft.toString(), "--model", "m", "--rl-prompts", prompts.toString(),
        "--spec", TestSpecs.defaultSpec().toString(), "--base-url", baseUrl(), "--api-key-env", KEY_ENV, "--no-wait");
    assertEquals(ExitCode.BAD_INPUT, noWait.status());
    assertTrue(noWait.err().contains("give --rft-model or drop --no-wait"), noWait.err());
    assertTrue(requests.isEmpty());
  }
}
