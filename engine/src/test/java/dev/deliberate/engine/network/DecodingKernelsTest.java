package dev.deliberate.engine.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.deliberate.engine.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The decoding-step forms of the network's pieces give what the plain forms give, up to float rounding. */
class DecodingKernelsTest {
  static NDManager manager;

  @BeforeAll
  static void open() {
    manager = Engines.pytorch().newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** PyTorch's own linear layer, the form {@link Llama#linear} takes outside its few-rows range. */
  private static NDArray torchLinear(NDArray x, NDArray w, NDArray b) {
    return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
  }

  private static void assertClose(NDArray expected, NDArray actual) {
    assertEquals(expected.getShape(), actual.getShape());
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], 1e-5f * (1 + Math.abs(e[i])), "element " + i);
    }
  }

  @Test
  void aLinearLayerOnFewRowsGivesWhatPyTorchsLinearGivesWithAndWithoutBias() {
    try (NDManager scope = manager.newSubManager()) {
      NDArray w = scope.randomNormal(new Shape(96, 40));
      NDArray b = scope.randomNormal(new Shape(96));
      for (long rows : new long[] {1, 2, 8, Llama.FEW_ROWS, Llama.FEW_ROWS + 1}) {
        NDArray x = scope.randomNormal(new Shape(rows, 1, 40));
        assertClose(torchLinear(x, w, null), Llama.linear(x, w, null));
        assertClose(torchLinear(x, w, b), Llama.linear(x, w, b));
      }
      NDArray x = scope.randomNormal(new Shape(2, 3, 40));
      assertClose(torchLinear(x, w, b), Llama.linear(x, w, b));
    }
  }

  @Test
  void aLinearLayerOnFewRowsWithHalfPrecisionWeightsReturnsFloat32AndLeavesNothingWithTheWeights() {
    try (NDManager weights = manager.newSubManager(); NDManager scope = manager.newSubManager()) {
      NDArray w = weights.randomNormal(new Shape(64, 32)).toType(DataType.FLOAT16, true);
      int held = weights.getManagedArrays().size();
      NDArray x = scope.randomNormal(new Shape(8, 1, 32));
      NDArray y = Llama.linear(x, w, null);
      assertEquals(DataType.FLOAT32, y.getDataType());
      NDArray half = x.toType(DataType.FLOAT16, false);
      assertClose(torchLinear(half, w, null).toType(DataType.FLOAT32, false), y);
      assertEquals(held, weights.getManagedArrays().size(), "the product's arrays belong to x's manager");
    }
  }

  @Test
  void theKvCacheReturnsEveryPositionWrittenSoFarInOrder() {
    try (NDManager scope = manager.newSubManager(); KvCache cache = new KvCache(scope, 2, 5)) {
      NDArray k1 = scope.arange(0f, 24f).reshape(2, 1, 3, 4);
      NDArray v1 = k1.neg();
      NDArray k2 = scope.arange(100f, 108f).reshape(2, 1, 1, 4);
      NDArray v2 = k2.neg();
      cache.append(1, k1, v1);
      NDList all = cache.append(1, k2, v2);
      assertEquals(new Shape(2, 1, 4, 4), all.get(0).getShape());
      assertArrayEquals(k1.concat(k2, 2).toFloatArray(), all.get(0).toFloatArray());
      assertArrayEquals(v1.concat(v2, 2).toFloatArray(), all.get(1).toFloatArray());
      all.close();
      assertArrayEquals(k1.concat(k2, 2).toFloatArray(), cache.append(1, k2.get(":, :, :0, :"),
          v2.get(":, :, :0, :")).get(0).toFloatArray(), "closing the returned views leaves the cache as it was");
    }
  }

  @Test
  void theKvCacheRefusesAPositionBeyondItsCapacity() {
    try (NDManager scope = manager.newSubManager(); KvCache cache = new KvCache(scope, 1, 3)) {
      NDArray k = scope.zeros(new Shape(1, 1, 2, 4));
      cache.append(0, k, k);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> cache.append(0, k, k));
      assertEquals("KV cache of 3 positions cannot take position 3", e.getMessage());
    }
  }
}
