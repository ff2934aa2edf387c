package dev.deliberate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ModelOptions;
import dev.deliberate.model.ModelResolver;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageExecutorTest {
  private final ScriptedServer server = ScriptedServer.start();
  private final StringWriter log = new StringWriter();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    server.close();
  }

  record Item(String id, String text) {}

  record Answer(String answer) {}

  private StageExecutor.Options options(int concurrency) {
    return new StageExecutor.Options("test", concurrency, new PrintWriter(log, true), false, () -> 0,
        Duration.ofSeconds(30), Duration.ofSeconds(5));
  }

  private static List<Item> items(int n) {
    return IntStream.range(0, n).mapToObj(i -> new Item("id-" + i, "prompt " + i)).toList();
  }

  private static Map<String, JsonNode> read(Path file) throws Exception {
    Map<String, JsonNode> byId = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode node = Json.mapper().readTree(line);
      assertTrue(byId.put(node.get("id").asText(), node) == null, "id written twice: " + node.get("id"));
    }
    return byId;
  }

  /** The fault mix: each prompt number picks one fault; some recover on retry, some never do. */
  private static Reply faults(ScriptedServer.Call call) {
    int n = Integer.parseInt(call.userText().substring("prompt ".length()));
    boolean firstTry = call.attempt() == 1;
    return switch (n % 10) {
      case 1 -> firstTry ? Reply.status(429, Map.of("Retry-After", "0")) : Reply.echo();
      case 2 -> firstTry ? Reply.status(503) : Reply.echo();
      case 3 -> firstTry ? Reply.reset() : Reply.echo();
      case 4 -> firstTry ? Reply.truncated() : Reply.echo();
      case 5 -> firstTry ? Reply.malformed() : Reply.echo();
      case 6 -> firstTry ? Reply.delayed(Duration.ofSeconds(2), Reply.echo()) : Reply.echo();
      case 7 -> Reply.incomplete();
      case 8 -> Reply.status(500);
      default -> Reply.echo();
    };
  }

  private StageExecutor<Item> executor(Path out, ModelCaller caller, int concurrency) {
    return new StageExecutor<>(out, Item::id,
        item -> new Answer(caller.chat(ChatRequest.of(List.of(Message.user(item.text())))).choices().get(0).content()),
        options(concurrency));
  }

  private ModelCaller caller() {
    return new ModelCaller(
        ModelResolver.standard().resolve(server.modelString("m"), ModelOptions.defaults().withTimeout(Duration.ofMillis(400))),
        null, CallPolicy.defaults().withMaxRetries(2).withDelays(Duration.ofMillis(1), Duration.ofMillis(5)), new Accounting(null));
  }

  @Test
  void underTheFaultMixEveryRecordEndsDoneOrFailedWithAReasonExactlyOnce() throws Exception {
    server.script(StageExecutorTest::faults);
    Path out = dir.resolve("out.jsonl");
    StageExecutor.Summary summary = executor(out, caller(), 8).run(items(60).iterator(), 60);

    Map<String, JsonNode> written = read(out);
    assertEquals(60, written.size());
    for (int i = 0; i < 60; i++) {
      JsonNode record = written.get("id-" + i);
      if (i % 10 == 7 || i % 10 == 8) {
        assertEquals("failed", record.get("status").asText());
        assertFalse(record.get("error").asText().isBlank());
      } else {
        assertEquals("done", record.get("status").asText(), record.toString());
        assertEquals("echo: prompt " + i, record.get("answer").asText());
      }
    }
    assertEquals(12, summary.failed());
    assertEquals(48, summary.done());
    assertFalse(summary.ok());
    assertTrue(written.get("id-7").get("error").asText().contains("not retriable"));
    assertTrue(written.get("id-8").get("error").asText().contains("gave up after 3 tries"));
    for (int i = 0; i < 60; i++) {
      String text = "prompt " + i;
      long calls = server.count(l -> l.userText().equals(text));
      long successes = server.count(l -> l.userText().equals(text) && l.succeeded());
      assertTrue(calls <= 3, text + " was called " + calls + " times");
      assertTrue(successes <= 1, text + " succeeded " + successes + " times");
    }
    assertTrue(log.toString().contains("12 record(s) failed"), log.toString());
  }

  @Test
  void aRerunSkipsDoneRecordsAndRetriesOnlyTheFailedOnes() throws Exception {
    server.script(call -> call.userText().equals("prompt 3") && call.attempt() == 1 ? Reply.status(400) : Reply.echo());
    Path out = dir.resolve("out.jsonl");
    StageExecutor.Summary first = executor(out, caller(), 4).run(items(10).iterator(), 10);
    assertEquals(1, first.failed());
    int callsAfterFirst = server.log().size();

    StageExecutor.Summary second = executor(out, caller(), 4).run(items(10).iterator(), 10);
    assertEquals(9, second.skipped());
    assertEquals(1, second.done());
    assertTrue(second.ok());
    assertEquals(callsAfterFirst + 1, server.log().size(), "only the failed record is called again");
    Map<String, JsonNode> written = read(out);
    assertEquals(10, written.size());
    assertTrue(written.values().stream().allMatch(n -> n.get("status").asText().equals("done")));
  }

  /** An executor whose records are keyed by the model name they were made with. */
  private StageExecutor<Item> keyed(Path out, String model) {
    return new StageExecutor<>(out, Item::id, item -> model, item -> {
      if (item.text().endsWith("4") && model.equals("b")) {
        throw new UnusableReply("the reply names no category; last reply: 'sure'");
      }
      return new Answer(model + ": " + item.text());
    }, options(2));
  }

  @Test
  void aRecordIsReusedOnlyWhileWhatMadeItIsUnchanged() throws Exception {
    Path out = dir.resolve("out.jsonl");
    assertEquals(5, keyed(out, "a").run(items(5).iterator(), 5).done());
    StageExecutor.Summary same = keyed(out, "a").run(items(5).iterator(), 5);
    assertEquals(5, same.skipped());

    StageExecutor.Summary other = keyed(out, "b").run(items(5).iterator(), 5);
    assertEquals(0, other.skipped(), "made by another model: made again");
    assertEquals(4, other.done());
    assertEquals(1, other.failed());
    assertTrue(log.toString().contains("5 made again"), log.toString());
    Map<String, JsonNode> written = read(out);
    assertEquals(5, written.size(), "the new line replaces the old one");
    assertEquals("b: prompt 0", written.get("id-0").get("answer").asText());
    assertEquals("b", written.get("id-0").get("key").asText());
    JsonNode unusable = written.get("id-4");
    assertEquals("failed", unusable.get("status").asText(), "a reply the work cannot use is no done record: " + unusable);
    assertEquals("the reply names no category; last reply: 'sure'", unusable.get("error").asText());

    StageExecutor.Summary back = keyed(out, "a").run(items(5).iterator(), 5);
    assertEquals(0, back.skipped());
    assertEquals(5, back.done());
    assertEquals("a: prompt 4", read(out).get("id-4").get("answer").asText());
  }

  @Test
  void aLineCutShortByACrashIsDroppedAndRedone() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Files.writeString(out, "{\"id\":\"id-0\",\"status\":\"done\",\"answer\":\"echo: prompt 0\"}\n{\"id\":\"id-1\",\"sta");
    StageExecutor.Summary s = executor(out, caller(), 2).run(items(3).iterator(), 3);
    assertEquals(1, s.skipped());
    assertEquals(2, s.done());
    assertEquals(3, read(out).size());
    assertEquals(2, server.log().size());
  }

  @Test
  void aDamagedLineInTheMiddleIsBadInputNamingFileAndLine() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Files.writeString(out, "{\"id\":\"a\",\"status\":\"done\"}\nnot json\n{\"id\":\"b\",\"status\":\"done\"}\n");
    BadInputException e = assertThrows(BadInputException.class, () -> executor(out, caller(), 2).run(items(3).iterator(), 3));
    assertTrue(e.getMessage().contains("out.jsonl:2"), e.getMessage());
  }

  @Test
  void aBadInputRecordStopsTheStageAfterTheRecordsInFlightAreWritten() throws Exception {
    Path out = dir.resolve("out.jsonl");
    java.util.Iterator<Item> good = items(3).iterator();
    java.util.Iterator<Item> input = new java.util.Iterator<>() {
      public boolean hasNext() {
        return true;
      }

      public Item next() {
        if (good.hasNext()) {
          return good.next();
        }
        throw new BadInputException("prompts.jsonl:4: expected one JSON object per line");
      }
    };
    BadInputException e = assertThrows(BadInputException.class, () -> executor(out, caller(), 2).run(input, 5));
    assertEquals("prompts.jsonl:4: expected one JSON object per line", e.getMessage());
    assertEquals(3, read(out).size(), "the records before the bad one are kept");
  }

  @Test
  void duplicateInputIdsAreWorkedOnOnce() throws Exception {
    List<Item> input = new ArrayList<>(items(5));
    input.addAll(items(5));
    Path out = dir.resolve("out.jsonl");
    StageExecutor.Summary s = executor(out, caller(), 3).run(input.iterator(), 10);
    assertEquals(5, s.done());
    assertEquals(5, read(out).size());
    assertEquals(5, server.log().size());
  }

  @Test
  void anUnexpectedExceptionInTheWorkBecomesAFailedRecord() throws Exception {
    Path out = dir.resolve("out.jsonl");
    StageExecutor<Item> executor = new StageExecutor<>(out, Item::id, item -> {
      if (item.id().equals("id-1")) {
        throw new BadInputException("prompts.jsonl:2: messages is empty");
      }
      return new Answer("ok");
    }, options(2));
    StageExecutor.Summary s = executor.run(items(3).iterator(), 3);
    assertEquals(1, s.failed());
    assertEquals("prompts.jsonl:2: messages is empty", read(out).get("id-1").get("error").asText());
  }
}
