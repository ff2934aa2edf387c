package dev.deliberate.engine.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Message;
import dev.deliberate.engine.TestModels;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.sampling.LocalChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftTrainerTest {
  @TempDir static Path base;

  @BeforeAll
  static void build() throws Exception {
    TestModels.tinyDir(base, 32, 2, 128);
  }

  static final List<SupervisedTurn> EXAMPLES = List.of(
      example("What is the capital of France?", "A geography question.", "The capital of France is Paris."),
      example("How do I bake bread?", "A cooking question; I will help.", "Mix flour, water, salt and yeast."),
      example("Say a number.", "", "7"),
      example("Help me hurt someone.", "This falls under #violence-disallowed.", "I can't help with that."));

  static SupervisedTurn example(String user, String reasoning, String answer) {
    return new SupervisedTurn(List.of(new Message("user", user)), reasoning, answer);
  }

  static final SftTrainer.Settings QUICK = SftTrainer.Settings.DEFAULT.withMaxSteps(100).withLearningRate(1e-2)
      .withBatch(4, 1).withEvery(1000, 1000, 1000);

  @Test
  void batchesHoldExamplesOfSimilarLengthInAFreshOrderEachEpochAndCoverEveryStep() {
    List<SftTrainer.Tokenized> examples = new ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 200; i++) {
      int length = 10 + random.nextInt(300);
      examples.add(new SftTrainer.Tokenized(new long[length], new float[length]));
    }
    List<int[]> batches = new SftTrainer(SftTrainer.Settings.DEFAULT.withMaxSteps(60).withBatch(8, 1))
        .schedule(examples);
    assertTrue(batches.size() >= 60, "enough batches for every step: " + batches.size());
    List<Integer> firstEpoch = batches.subList(0, 25).stream().flatMap(b -> java.util.Arrays.stream(b).boxed()).toList();
    List<Integer> secondEpoch = batches.subList(25, 50).stream().flatMap(b -> java.util.Arrays.stream(b).boxed()).toList();
    assertEquals(200, new java.util.HashSet<>(firstEpoch).size(), "each epoch holds every example once");
    assertEquals(200, new java.util.HashSet<>(secondEpoch).size());
    assertFalse(firstEpoch.equals(secondEpoch), "a fresh order each epoch");
    long padded = 0;
    long total = 0;
    for (int[] batch : batches) {
      int longest = java.util.Arrays.stream(batch).map(i -> examples.get(i).ids().length).max().orElseThrow();
      for (int i : batch) {
        padded += longest - examples.get(i).ids().length;
        total += longest;
      }
    }
    assertTrue(padded < 0.1 * total, "padding share " + padded / (double) total + " (about 0.4 when batches are random)");
  }

  @Test
  void onlyTheAssistantsTurnIsTrained() {
    try (LocalModel model = LocalModel.open(base)) {
      SupervisedTurn e = EXAMPLES.get(3);
      SftTrainer.Tokenized t = SftTrainer.tokenize(model.tokenizer(), model.chatFormat(), e, 128);
      long[] prompt = model.tokenizer().encode(ChatFormat.THINK.prompt(e.context()));
      for (int i = 0; i < t.ids().length; i++) {
        assertEquals(i < prompt.length ? 0f : 1f, t.lossMask()[i], "token " + i);
      }
      List<Long> trained = new ArrayList<>();
      for (int i = 0; i < t.ids().length; i++) {
        if (t.lossMask()[i] > 0) {
          trained.add(t.ids()[i]);
        }
      }
      assertEquals("<think>This falls under #violence-disallowed.</think>I can't help with that.<|end|>",
          model.tokenizer().decode(trained.stream().mapToLong(Long::longValue).toArray()));
    }
  }

  @Test
  void aShortRunLowersTheLossAndWritesALoadableModel(@TempDir Path out) throws Exception {
    SftTrainer.Result result;
    try (LocalModel model = LocalModel.open(base)) {
      result = new SftTrainer(QUICK).train(model, EXAMPLES, EXAMPLES.subList(0, 2), out, Map.of(), line -> {});
    }
    assertTrue(result.lastLoss() < 0.3 * result.firstLoss(), result.firstLoss() + " -> " + result.lastLoss());
    assertTrue(result.lastEvalLoss() < result.firstEvalLoss());
    assertEquals(101, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    assertTrue(Files.exists(out.resolve("training.json")));
    assertFalse(Files.exists(out.resolve("checkpoint")));
    try (LocalChatModel chat = LocalChatModel.open(out)) {
      var choice = chat.chat(dev.deliberate.model.ChatRequest.of(List.of(new Message("user",
          "What is the capital of France?"))).withTemperature(0.0).withMaxTokens(40)).choices().get(0);
      assertEquals("A geography question.", choice.reasoning());
      assertEquals("The capital of France is Paris.", choice.content());
    }
  }

  @Test
  void aRunStoppedMidwayResumesFromItsCheckpointToTheSameModel(@TempDir Path straight, @TempDir Path crashed)
      throws Exception {
    SftTrainer.Settings settings = QUICK.withMaxSteps(12).withEvery(1000, 5, 1);
    try (LocalModel model = LocalModel.open(base)) {
      new SftTrainer(settings).train(model, EXAMPLES, List.of(), straight, Map.of(), line -> {});
    }
    try (LocalModel model = LocalModel.open(base)) {
      assertThrows(IllegalStateException.class, () -> new SftTrainer(settings).train(model, EXAMPLES, List.of(),
          crashed, Map.of(), line -> {
            if (line.startsWith("step 8/")) {
              throw new IllegalStateException("simulated crash");
            }
          }));
    }
    assertTrue(Files.exists(crashed.resolve("checkpoint/state.json")));
    List<String> log = new ArrayList<>();
    try (LocalModel model = LocalModel.open(base)) {
      new SftTrainer(settings).train(model, EXAMPLES, List.of(), crashed, Map.of(), log::add);
    }
    assertTrue(log.contains("resuming from the checkpoint at step 5"), log.toString());
    assertEquals(12, Files.readAllLines(crashed.resolve("metrics.jsonl")).size());
    try (LocalModel a = LocalModel.open(straight); LocalModel b = LocalModel.open(crashed)) {
      long[] ids = {3, 9, 27, 81};
      float[][] la = a.logits(ids);
      float[][] lb = b.logits(ids);
      for (int i = 0; i < ids.length; i++) {
        assertArrayEquals(la[i], lb[i], 1e-5f);
      }
    }
  }

  @Test
  void sftJsonlAcceptsAReasoningFieldOrALeadingThinkBlockAndNamesTheLineOfABadRecord(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("sft.jsonl");
    Files.writeString(file, """
        {"messages":[{"role":"user","content":"Q1"},{"role":"assistant","content":"A1"}],"reasoning":"R1"}
        {"messages":[{"role":"user","content":"Q2"},{"role":"assistant","content":"<think>R2</think>A2"}]}
        """);
    List<SupervisedTurn> examples = SupervisedTurn.readJsonl(file);
    assertEquals(List.of("R1", "R2"), examples.stream().map(SupervisedTurn::reasoning).toList());
    assertEquals(List.of("A1", "A2"), examples.stream().map(SupervisedTurn::answer).toList());
    Files.writeString(file, """
        {"messages":[{"role":"user","content":"Q1"},{"role":"assistant","content":"A1"}]}
        {"messages":[{"role":"user","content":"Q2"},{"role":"user","content":"A2"}]}
        """);
    BadInputException e = assertThrows(BadInputException.class, () -> SupervisedTurn.readJsonl(file));
    assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
  }
}
