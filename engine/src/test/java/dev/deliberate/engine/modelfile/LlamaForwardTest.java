package dev.deliberate.engine.modelfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.network.Llama;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.network.LlamaWeights;
import dev.deliberate.engine.network.Tensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaForwardTest {
  /** GQA (4 query heads on 2 key/value heads), untied head, q/k/v biases: every optional path on. */
  static final LlamaConfig QWEN_LIKE = new LlamaConfig("qwen2", 61, 24, 40, 2, 4, 2, 6, 64, 1e-6, 1_000_000.0,
      false, true, false, 1, List.of(2));
  static final LlamaConfig LLAMA_LIKE = new LlamaConfig("llama", 61, 32, 48, 2, 4, 1, 8, 64, 1e-5, 10_000.0,
      true, true, true, 1, List.of(2));

  static final long[] IDS = {1, 5, 17, 60, 3, 3, 42, 0, 9, 33, 12};

  @Test
  void logitsMatchAnIndependentPlainJavaImplementationWithGroupedQueriesAndBiases() {
    assertMatchesReference(QWEN_LIKE);
  }

  @Test
  void logitsMatchTheReferenceWithTiedEmbeddingsAndOutputBias() {
    assertMatchesReference(LLAMA_LIKE);
  }

  @Test
  void theSamplersNextTokenLogitsAreTheLastRowOfTheFullPass() {
    try (LocalModel model = randomModel(QWEN_LIKE, 7); NDManager scope = model.manager().newSubManager()) {
      float[][] all = model.logits(IDS);
      int t = IDS.length;
      long[] positions = new long[t];
      for (int i = 0; i < t; i++) {
        positions[i] = i;
      }
      float[] last = Llama.nextTokenLogits(QWEN_LIKE, model.weights(), Tensors.of(scope, IDS, new Shape(1, t)),
          Tensors.of(scope, positions, new Shape(1, t)), Llama.causalMask(scope, t), null).toFloatArray();
      assertEquals(QWEN_LIKE.vocabSize(), last.length);
      assertArrayEquals(all[t - 1], last, 1e-5f);
    }
  }

  @Test
  void savingAndLoadingGivesExactlyTheSameLogits(@TempDir Path dir) throws Exception {
    float[][] before;
    try (LocalModel model = randomModel(QWEN_LIKE, 7)) {
      before = model.logits(IDS);
      model.save(dir);
    }
    try (LocalModel loaded = LocalModel.open(dir)) {
      float[][] after = loaded.logits(IDS);
      for (int i = 0; i < IDS.length; i++) {
        assertArrayEquals(before[i], after[i], 0f, "position " + i);
      }
    }
  }

  @Test
  void float16MatricesKeepNormsInFloat32AndGiveLogitsCloseToTheFloat32Ones(@TempDir Path dir) throws Exception {
    float[][] exact;
    try (LocalModel model = randomModel(QWEN_LIKE, 7)) {
      exact = model.logits(IDS);
      model.save(dir);
    }
    try (LocalModel half = LocalModel.open(dir, DataType.FLOAT16)) {
      half.weights().named().forEach((name, array) -> assertEquals(
          name.endsWith("norm.weight") ? DataType.FLOAT32 : DataType.FLOAT16, array.getDataType(), name));
      float[][] approximate = half.logits(IDS);
      double scale = 0;
      double worst = 0;
      for (int i = 0; i < IDS.length; i++) {
        for (int v = 0; v < QWEN_LIKE.vocabSize(); v++) {
          scale = Math.max(scale, Math.abs(exact[i][v]));
          worst = Math.max(worst, Math.abs(exact[i][v] - approximate[i][v]));
        }
      }
      // float16 keeps 11 significant bits: differences of a few parts in a thousand, not more.
      assertTrue(worst > 0, "float16 weights should round something");
      assertTrue(worst / scale < 1e-2, "max |difference| " + worst + " against max |logit| " + scale);
    }
  }

  private static void assertMatchesReference(LlamaConfig config) {
    Map<String, Safetensors.Tensor> tensors = noisyTensors(config, 11);
    double[][] expected = new ReferenceLlama(config, tensors).logits(toInts(IDS));
    try (LocalModel model = fromTensors(config, tensors)) {
      float[][] actual = model.logits(IDS);
      double scale = 0;
      double worst = 0;
      for (int i = 0; i < IDS.length; i++) {
        for (int v = 0; v < config.vocabSize(); v++) {
          scale = Math.max(scale, Math.abs(expected[i][v]));
          worst = Math.max(worst, Math.abs(expected[i][v] - actual[i][v]));
        }
      }
      assertTrue(scale > 0.1, "logits should not be trivially small: " + scale);
      assertTrue(worst / scale < 1e-4, "max |difference| " + worst + " against max |logit| " + scale);
    }
  }

  /** Random weights with non-trivial norms and biases, and a larger scale so the logits are not all near zero. */
  static Map<String, Safetensors.Tensor> noisyTensors(LlamaConfig config, long seed) {
    Map<String, Safetensors.Tensor> tensors = LlamaWeights.randomTensors(config, seed);
    SplittableRandom random = new SplittableRandom(seed + 1);
    tensors.forEach((name, t) -> {
      float[] data = t.data();
      for (int i = 0; i < data.length; i++) {
        if (name.endsWith("norm.weight")) {
          data[i] = (float) (0.5 + random.nextDouble());
        } else if (name.endsWith(".bias")) {
          data[i] = (float) (random.nextDouble() - 0.5);
        } else {
          data[i] *= 15;
        }
      }
    });
    return tensors;
  }

  static LocalModel fromTensors(LlamaConfig config, Map<String, Safetensors.Tensor> tensors) {
    var manager = Engines.pytorch().newBaseManager();
    return new LocalModel(null, config, manager, LlamaWeights.fromTensors(config, tensors, manager, "test"));
  }

  static LocalModel randomModel(LlamaConfig config, long seed) {
    return fromTensors(config, noisyTensors(config, seed));
  }

  static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }
}
