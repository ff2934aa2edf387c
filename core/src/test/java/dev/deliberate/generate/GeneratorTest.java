package dev.deliberate.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deliberate.TestSpecs;
import dev.deliberate.data.Prompt;
import dev.deliberate.model.OpenAiChatModel;
import dev.deliberate.model.ScriptedServer;
import dev.deliberate.spec.Style;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  private static final Prompt PROMPT =
      Prompt.of("How do I kill a Python process that is stuck?", "violence", Style.COMPLY, "t", Map.of());

  // Two replies SmolLM2-135M-Instruct gave to our stage-1 prompt on llama.cpp's server: no reasoning and no
  // "Final answer:" line, and one cut at max_tokens 160 (abridged here).
  private static final String NO_MARKER = "To kill a Python process that is stuck, you need to use the command `kill`"
      + " from Python's shell.";
  private static final String CUT = "There is no information available about how to kill a Python process that has"
      + " been stuck. A more precise and natural response would be:\n- \"I'm trying to";

  @Test
  void aSmallModelOnLlamaCppGetsItsSamplesByTopUpAndEachDropHasItsReason() {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> call.body().path("seed").asLong() == 1
          ? ScriptedServer.Reply.likeLlamaCpp(NO_MARKER, "stop")
          : ScriptedServer.Reply.likeLlamaCpp(CUT, "length"));
      OpenAiChatModel model = served(server, "llama");
      Generator generator = new Generator(model, TestSpecs.tiny(), Stage1Prompt.standard(),
          new Generator.Options(2, 0.7, null, 160, 1, false));

      List<Sample> samples = generator.generate(PROMPT);

      assertEquals(2, server.log().size(), "the server ignored n=2, so the second sample was asked for alone");
      assertEquals(List.of(2, 1), server.log().stream().map(l -> l.body().path("n").asInt(1)).toList());
      assertEquals(List.of(0, 1), samples.stream().map(Sample::index).toList());
      assertEquals(DropReason.NO_REASONING, samples.get(0).drop());
      assertEquals("no reasoning channel, think block or 'Final answer:' line", samples.get(0).dropDetail());
      assertEquals(NO_MARKER, samples.get(0).answer(), "a dropped sample keeps what the model said");
      assertEquals(DropReason.TRUNCATED, samples.get(1).drop());
      assertEquals("length", samples.get(1).finishReason());
      assertEquals("", samples.get(0).reasoning());
    }
  }

  @Test
  void complyAnswersComeFromTheAnswerModelAskedThePlainConversationWhileTheReasoningStaysTheGenerators() {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> call.body().path("seed").asLong() == 3
          ? ScriptedServer.Reply.likeLlamaCpp(NO_MARKER, "stop")
          : ScriptedServer.Reply.likeLlamaCpp(CUT, "length"));
      OpenAiChatModel base = served(server, "base");
      Generator generator = new Generator(new ReferenceGenerator(), TestSpecs.tiny(), Stage1Prompt.standard(),
          new Generator.Options(2, null, null, null, 3, true), new Generator.ComplyAnswers(base, 160));

      List<Sample> samples = generator.generate(PROMPT);

      assertEquals(PROMPT.messages(), dev.deliberate.io.Json.mapper().convertValue(
          server.log().get(0).body().path("messages"), new com.fasterxml.jackson.core.type.TypeReference<
              List<dev.deliberate.data.Message>>() {}), "the base sees the request as the student will");
      assertEquals(160, server.log().get(0).body().path("max_tokens").asInt());
      Sample kept = samples.get(0);
      assertEquals(null, kept.drop());
      assertEquals(NO_MARKER, kept.answer());
      assertEquals(true, kept.reasoning().contains("#violence"), "the reference generator's reasoning: " + kept.reasoning());
      assertEquals("reference + base", kept.model());
      assertEquals(null, samples.get(1).drop());
      assertEquals("There is no information available about how to kill a Python process that has been stuck. A more"
          + " precise and natural response would be:", samples.get(1).answer(),
          "an answer cut at max_tokens keeps its complete sentences, so the student does not learn to stop mid-word");
    }
  }

  @Test
  void aCutComplyAnswerWithTooLittleLeftIsDroppedAsTruncated() {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> ScriptedServer.Reply.likeLlamaCpp("Sure. First you open the task manager and", "length"));
      OpenAiChatModel base = served(server, "base");
      Generator generator = new Generator(new ReferenceGenerator(), TestSpecs.tiny(), Stage1Prompt.standard(),
          new Generator.Options(1, null, null, null, 3, true), new Generator.ComplyAnswers(base, 8));

      Sample sample = generator.generate(PROMPT).get(0);

      assertEquals(DropReason.TRUNCATED, sample.drop());
      assertEquals("the comply answer from base was cut at 8 tokens before 12 words of complete sentences",
          sample.dropDetail());
    }
  }

  @Test
  void refusalsKeepTheGeneratorsAnswerAndAskTheAnswerModelNothing() {
    try (ScriptedServer server = ScriptedServer.start()) {
      server.script(call -> ScriptedServer.Reply.likeLlamaCpp(NO_MARKER, "stop"));
      OpenAiChatModel base = served(server, "base");
      Generator generator = new Generator(new ReferenceGenerator(), TestSpecs.tiny(), Stage1Prompt.standard(),
          new Generator.Options(1, null, null, null, 3, true), new Generator.ComplyAnswers(base, 160));
      Prompt harmful = Prompt.of("Write a threat to send to my neighbour.", "violence", Style.REFUSE, "t", Map.of());

      List<Sample> samples = generator.generate(harmful);

      assertEquals(0, server.log().size());
      assertEquals(null, samples.get(0).drop());
      assertEquals("reference", samples.get(0).model());
    }
  }

  /** The scripted server as an OpenAI-compatible model of this id. */
  private static OpenAiChatModel served(ScriptedServer server, String id) {
    return new OpenAiChatModel(id, "smol", List.of(URI.create(server.baseUrl())), null, Duration.ofSeconds(5), 2);
  }
}
