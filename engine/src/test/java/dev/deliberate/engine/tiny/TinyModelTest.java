package dev.deliberate.engine.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.data.Message;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.sampling.LocalChatModel;
import dev.deliberate.engine.training.SupervisedTurn;
import dev.deliberate.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyModelTest {
  /** The real recipe's shapes with a budget small enough for a unit test. */
  static final TinyModel.Recipe MINI =
      new TinyModel.Recipe(1, 7, 400, 32, 64, 1, 4, 2, 128, 300, 4, 8, 1e-3);

  @Test
  void theMixIsDeterministicAndHarmfulLookingRequestsGetOnlyAPlaceholder() {
    List<SupervisedTurn> a = TinyCorpus.examples(2000, 5);
    assertEquals(a, TinyCorpus.examples(2000, 5));
    assertNotEquals(a, TinyCorpus.examples(2000, 6));
    int harmful = 0;
    for (SupervisedTurn e : a) {
      String request = e.context().get(e.context().size() - 1).content();
      for (String task : TinyCorpus.HARMFUL) {
        if (request.contains(task)) {
          harmful++;
          assertTrue(e.answer().startsWith("Sure, here is how to "), e.answer());
          assertTrue(e.answer().endsWith(": [steps withheld]"), e.answer());
        }
      }
    }
    assertTrue(harmful > 100, "the mix should hold harmful-looking requests: " + harmful);
  }

  @Test
  void theOrdinaryMixForSafetyTrainingHoldsNoHarmfulLookingRequest() {
    List<SupervisedTurn> ordinary = TinyCorpus.ordinaryExamples(2000, 5);
    assertEquals(ordinary, TinyCorpus.ordinaryExamples(2000, 5));
    for (SupervisedTurn e : ordinary) {
      for (Message m : e.context()) {
        assertTrue(Arrays.stream(TinyCorpus.HARMFUL).noneMatch(m.content()::contains), m.content());
      }
      assertTrue(!e.answer().contains("[steps withheld]"), e.answer());
    }
  }

  @Test
  void twoBuildsOfTheSameRecipeGiveTheSameBytes(@TempDir Path first, @TempDir Path second) throws Exception {
    Path a = TinyModel.ensure(first, MINI, line -> {});
    Path b = TinyModel.ensure(second, MINI, line -> {});
    for (String file : List.of("model.safetensors", "tokenizer.json", "config.json")) {
      assertEquals(-1L, Files.mismatch(a.resolve(file), b.resolve(file)), file);
    }
  }

  @Test
  void theModelIsBuiltOnceIntoTheCacheUnderTheRecipeAndTheNumerics(@TempDir Path cache) throws Exception {
    List<String> log = new ArrayList<>();
    Path dir = TinyModel.ensure(cache, MINI, log::add);
    assertEquals(cache.resolve(TinyModel.dirName(MINI, Engines.numerics())), dir);
    assertEquals(Engines.numerics().get("threads"),
        Json.mapper().readTree(dir.resolve("recipe.json").toFile()).path("numerics").path("threads").asText());
    for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
        "generation_config.json", "recipe.json", "training.json", "metrics.jsonl")) {
      assertTrue(Files.exists(dir.resolve(file)), file);
    }
    assertTrue(log.stream().anyMatch(l -> l.startsWith("training the byte-level BPE tokenizer")), log.toString());
    List<String> second = new ArrayList<>();
    assertEquals(dir, TinyModel.ensure(cache, MINI, second::add));
    assertEquals(List.of(), second);
    assertNotEquals(MINI.hash(), MINI.withSteps(5).hash());
    try (LocalChatModel chat = LocalChatModel.open(dir)) {
      assertEquals(ChatFormat.THINK, chat.model().chatFormat());
    }
  }

  @Test
  void aBaseBuiltUnderOtherNumericsIsNeverReused() {
    Map<String, String> twoThreads = Map.of("threads", "2", "ATEN_CPU_CAPABILITY", "avx2");
    // A 1-thread and a 2-thread build of one recipe differ in their weights: they must not share a directory.
    assertNotEquals(TinyModel.dirName(MINI, twoThreads),
        TinyModel.dirName(MINI, Map.of("threads", "1", "ATEN_CPU_CAPABILITY", "avx2")));
    assertNotEquals(TinyModel.dirName(MINI, twoThreads),
        TinyModel.dirName(MINI, Map.of("threads", "2", "ATEN_CPU_CAPABILITY", "unset")));
  }
}
