package dev.deliberate.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.data.Message;
import dev.deliberate.engine.TestModels;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.TokenizerFiles;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ModelException;
import dev.deliberate.model.ReasoningSplitter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplerTest {
  @TempDir static Path dir;
  static LocalModel model;

  @BeforeAll
  static void build() throws Exception {
    TestModels.tinyDir(dir, 32, 2, 128);
    model = LocalModel.open(dir);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static final GenerationSettings GREEDY = new GenerationSettings(20, 0, 1, List.of(), 0);

  @Test
  void theTokenizerRoundTripsTextAndKeepsSpecialTokensWhole() {
    String text = "<|user|>Where is Paris? Ünïcode, #violence-disallowed 42<|end|><|assistant|><think>";
    assertEquals(text, model.tokenizer().decode(model.tokenizer().encode(text)));
    assertEquals(TokenizerFiles.END_ID, model.tokenizer().singleTokenId("<|end|>").orElseThrow());
    assertTrue(model.tokenizer().singleTokenId("<think>").isPresent());
    assertEquals(ChatFormat.THINK, model.chatFormat());
  }

  @Test
  void theKvCacheGivesTheSameTokensAsRecomputingThePrefix() {
    List<long[]> prompts = List.of(model.tokenizer().encode("<|user|>What is the capital of France?<|end|>"));
    var cached = Sampler.generateIds(model, prompts, GREEDY, Set.of(), true, model.tokenizer()::decode);
    var recomputed = Sampler.generateIds(model, prompts, GREEDY, Set.of(), false, model.tokenizer()::decode);
    assertEquals(20, cached.get(0).ids().length);
    assertArrayEquals(recomputed.get(0).ids(), cached.get(0).ids());
  }

  @Test
  void aPromptLongerThanOnePrefillChunkIsFedInChunksAndGivesTheTokensOfAWholePass(@TempDir Path longDir)
      throws Exception {
    TestModels.tinyDir(longDir, 32, 2, 2048);
    try (LocalModel wide = LocalModel.open(longDir)) {
      String words = "Where is the river and how do the tides work near the old harbour? ";
      long[] longest = wide.tokenizer().encode("<|user|>" + words.repeat(30) + "<|end|>");
      long[] shorter = wide.tokenizer().encode("<|user|>" + words.repeat(15) + "<|end|>");
      assertTrue(longest.length > 2 * Sampler.PREFILL_CHUNK, longest.length + " tokens");
      // Left-padded to the longest row, the shorter row's prompt starts inside the second chunk.
      List<long[]> prompts = List.of(longest, shorter);
      var chunked = Sampler.generateIds(wide, prompts, GREEDY, Set.of(), true, wide.tokenizer()::decode);
      var whole = Sampler.generateIds(wide, prompts, GREEDY, Set.of(), false, wide.tokenizer()::decode);
      for (int r = 0; r < prompts.size(); r++) {
        assertEquals(20, chunked.get(r).ids().length);
        assertArrayEquals(whole.get(r).ids(), chunked.get(r).ids(), "row " + r);
      }
    }
  }

  @Test
  void aBatchOfPromptsOfDifferentLengthsGivesWhatEachGivesAlone() {
    List<long[]> prompts = List.of(
        model.tokenizer().encode("<|user|>How do I bake bread?<|end|><|assistant|>"),
        model.tokenizer().encode("Hi"),
        model.tokenizer().encode("The spec section says we must refuse."));
    var batched = Sampler.generateIds(model, prompts, GREEDY, Set.of(), true, model.tokenizer()::decode);
    for (int i = 0; i < prompts.size(); i++) {
      var alone = Sampler.generateIds(model, List.of(prompts.get(i)), GREEDY, Set.of(), true, model.tokenizer()::decode);
      assertArrayEquals(alone.get(0).ids(), batched.get(i).ids(), "prompt " + i);
    }
  }

  @Test
  void theSameSeedGivesTheSameTextAndAnotherSeedAnotherText() {
    GenerationSettings hot = new GenerationSettings(30, 1.5, 1.0, List.of(), 42);
    var a = Sampler.generate(model, List.of("<|user|>Hello<|end|>"), hot);
    var b = Sampler.generate(model, List.of("<|user|>Hello<|end|>"), hot);
    var c = Sampler.generate(model, List.of("<|user|>Hello<|end|>"), hot.withSeed(43));
    assertEquals(a.get(0).text(), b.get(0).text());
    assertNotEquals(a.get(0).text(), c.get(0).text());
  }

  @Test
  void aStopStringEndsTheTextBeforeIt() {
    var free = Sampler.generate(model, List.of("Paris"), GREEDY.withMaxNewTokens(40)).get(0);
    String stop = free.text().substring(5, 7);
    var stopped = Sampler.generate(model, List.of("Paris"),
        new GenerationSettings(40, 0, 1, List.of(stop), 0)).get(0);
    assertEquals("stop", stopped.finishReason());
    assertFalse(stopped.text().contains(stop));
    assertTrue(free.text().startsWith(stopped.text()));
  }

  @Test
  void thinkBlocksBecomeReasoningAndTheRestTheAnswer() {
    // The local layouts are split by the project's one splitter (its own tests cover every layout).
    assertEquals(new ReasoningSplitter.Split("cite #hate", "No.", true), ChatFormat.split("<think>cite #hate</think> No."));
    assertEquals(new ReasoningSplitter.Split("still thinking", "", true), ChatFormat.split("<think>still thinking"));
    assertEquals(new ReasoningSplitter.Split("", "plain", false), ChatFormat.split("plain"));
    assertEquals("<|user|>hi<|end|><|assistant|>",
        ChatFormat.THINK.prompt(List.of(new Message("user", "hi"))));
  }

  @Test
  void theLocalChatModelReturnsNChoicesWithUsage() {
    try (LocalChatModel chat = LocalChatModel.open(dir)) {
      ChatResponse response = chat.chat(ChatRequest.of(List.of(new Message("user", "Hello"))).withN(3)
          .withMaxTokens(8).withSeed(5L));
      assertEquals(3, response.choices().size());
      assertTrue(response.usage().promptTokens() > 0);
      assertTrue(response.usage().completionTokens() > 0);
      assertTrue(chat.id().startsWith("local:"));
    }
  }

  @Test
  void aPromptLongerThanTheContextFailsThatCallLikeAServerWould() {
    try (LocalChatModel chat = LocalChatModel.open(dir)) {
      String tooLong = "word ".repeat(400);
      ModelException e = assertThrows(ModelException.class,
          () -> chat.chat(ChatRequest.of(List.of(new Message("user", tooLong))).withMaxTokens(8)));
      assertFalse(e.retriable());
      assertTrue(e.getMessage().contains("context"), e.getMessage());
    }
  }

  @Test
  void requestsWithDifferentSettingsShareABatchAndEachGetsWhatItGetsAlone() {
    try (LocalChatModel chat = LocalChatModel.open(dir)) {
      List<ChatRequest> requests = List.of(
          ChatRequest.of(List.of(new Message("user", "What is the capital of France?"))).withMaxTokens(6)
              .withTemperature(0.0),
          ChatRequest.of(List.of(new Message("user", "How do I bake bread?"))).withMaxTokens(12)
              .withTemperature(1.0).withSeed(7L).withN(2),
          ChatRequest.of(List.of(new Message("user", "Hello"))).withMaxTokens(3).withTemperature(0.8)
              .withSeed(9L));
      List<ChatResponse> together = chat.chatAll(requests);
      assertEquals(3, together.size());
      for (int i = 0; i < requests.size(); i++) {
        ChatResponse alone = chat.chat(requests.get(i));
        assertEquals(alone.choices(), together.get(i).choices(), "request " + i);
        assertEquals(alone.usage(), together.get(i).usage(), "request " + i);
      }
      assertTrue(together.get(0).usage().completionTokens() <= 6 && together.get(2).usage().completionTokens() <= 3,
          "each row keeps its own budget");
    }
  }

  @Test
  void aStepListenerIsToldEachRowsGrowingTextAndSamplingIsTheSameWithoutIt() {
    List<long[]> prompts = List.of(model.tokenizer().encode("<|user|>How do I bake bread?<|end|><|assistant|>"),
        model.tokenizer().encode("Hi"));
    GenerationSettings hot = new GenerationSettings(16, 1.2, 0.9, List.of(), 11);
    List<GenerationSettings> settings = List.of(hot, hot.withMaxNewTokens(9));
    Set<Long> stops = Sampler.stopIds(model);
    var quiet = Sampler.generateRows(model, prompts, settings, new int[] {0, 1}, stops, true, model.tokenizer()::decode);
    List<List<String>> told = List.of(new java.util.ArrayList<>(), new java.util.ArrayList<>());
    List<List<Boolean>> finished = List.of(new java.util.ArrayList<>(), new java.util.ArrayList<>());
    var heard = Sampler.generateRows(model, prompts, settings, new int[] {0, 1}, stops, true, model.tokenizer()::decode,
        (row, text, done) -> {
          told.get(row).add(text);
          finished.get(row).add(done);
        });
    for (int r = 0; r < 2; r++) {
      assertArrayEquals(quiet.get(r).ids(), heard.get(r).ids(), "row " + r);
      assertEquals(quiet.get(r).text(), heard.get(r).text(), "row " + r);
      List<String> texts = told.get(r);
      assertTrue(texts.size() > 1, "told after every token: " + texts);
      assertEquals(heard.get(r).text(), texts.get(texts.size() - 1), "the last text is the row's final text");
      assertEquals(List.of(true), finished.get(r).subList(texts.size() - 1, texts.size()), "told once it ended");
      assertFalse(finished.get(r).subList(0, texts.size() - 1).contains(true));
      for (int i = 1; i < texts.size(); i++) {
        assertTrue(texts.get(i).startsWith(texts.get(i - 1)), "each text continues the last: " + texts);
      }
    }
  }

  @Test
  void theTextToldBeforeTheEndLeavesOutWhatCouldStillBecomeAStopString() {
    assertEquals("Hello", Sampler.settledPrefix("Hello EN", List.of(" END")));
    assertEquals("Hello EN", Sampler.settledPrefix("Hello EN", List.of("STOP")));
    assertEquals("caf", Sampler.settledPrefix("caf\uFFFD", List.of()));
    assertEquals("a", Sampler.settledPrefix("a<|e", List.of("x", "<|end|>")));
  }

  @Test
  void aStreamedRequestGetsTheChoicesItGetsWhole() {
    try (LocalChatModel chat = LocalChatModel.open(dir)) {
      ChatRequest request = ChatRequest.of(List.of(new Message("user", "Hello"))).withMaxTokens(10)
          .withTemperature(1.0).withSeed(3L);
      List<String> last = new java.util.ArrayList<>(List.of(""));
      ChatResponse streamed = chat.chatStreaming(request, (row, text, done) -> last.set(row, text));
      ChatResponse whole = chat.chat(request);
      assertEquals(whole.choices(), streamed.choices());
      assertEquals(whole.usage(), streamed.usage());
      ReasoningSplitter.Split split = ChatFormat.split(last.get(0));
      assertEquals(whole.choices().get(0).content(), split.answer());
    }
  }
}
