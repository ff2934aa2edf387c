package dev.deliberate.engine.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.data.Message;
import dev.deliberate.engine.TestModels;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.sampling.Sampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Native memory is scoped: long training and sampling loops do not grow the resident set. */
class MemoryTest {
  static long residentKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void manyTrainingStepsAndGenerationsKeepResidentMemorySteady(@TempDir Path base, @TempDir Path out)
      throws Exception {
    TestModels.tinyDir(base, 64, 2, 128);
    List<SupervisedTurn> examples = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      examples.add(new SupervisedTurn(List.of(new Message("user", "Question number " + i + "?")), "Think " + i,
          "Answer " + i + " is " + (i * 7) + "."));
    }
    try (LocalModel model = LocalModel.open(base)) {
      SftTrainer.Settings warmUp = SftTrainer.Settings.DEFAULT.withMaxSteps(40).withBatch(8, 2)
          .withEvery(20, 1000, 1000);
      new SftTrainer(warmUp).train(model, examples, examples.subList(0, 4), out.resolve("a"), Map.of(), l -> {});
      GenerationSettings sampling = new GenerationSettings(40, 1.0, 0.9, List.of(), 1);
      Sampler.generate(model, List.of("<|user|>Hi<|end|><|assistant|>", "x"), sampling);
      // Allocators and the Java heap settle during a first long stretch; after it, the resident set stays flat.
      long[] resident = new long[3];
      for (int round = 0; round < 3; round++) {
        new SftTrainer(warmUp.withMaxSteps(150)).train(model, examples, examples.subList(0, 4),
            out.resolve("r" + round), Map.of(), l -> {});
        for (int i = 0; i < 10; i++) {
          Sampler.generate(model, List.of("<|user|>Hi<|end|><|assistant|>", "x"), sampling.withSeed(i));
        }
        System.gc();
        resident[round] = residentKb();
      }
      // Each round allocates and frees ~150 x (logits of 16 x ~12 x 400 floats + activations): a leak of one
      // step's logits alone would add over 40 MB per round.
      assertTrue(resident[2] - resident[1] < 25_000,
          "resident memory kept growing: " + java.util.Arrays.toString(resident) + " kB after each round");
    }
  }
}
