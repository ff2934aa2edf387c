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
      OpenAiChatModel model = new OpenAiChatModel("llama", "smol", List.of(URI.create(server.baseUrl())), null,
          Duration.ofSeconds(5), 2);
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
}
