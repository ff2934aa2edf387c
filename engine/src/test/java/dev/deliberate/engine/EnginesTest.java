package dev.deliberate.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class EnginesTest {
  @Test
  void pytorchLoadsOfflineAndMultipliesMatrices() {
    try (NDManager manager = Engines.pytorch().newBaseManager()) {
      NDArray a = manager.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
      NDArray product = a.matMul(a);
      assertArrayEquals(new float[] {7, 10, 15, 22}, product.toFloatArray());
    }
  }
}
