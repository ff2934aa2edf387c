package dev.deliberate.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginesTest {
  @Test
  void pytorchLoadsOfflineAndMultipliesMatrices() {
    try (NDManager manager = Engines.pytorch().newBaseManager()) {
      NDArray a = manager.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
      NDArray product = a.matMul(a);
      assertArrayEquals(new float[] {7, 10, 15, 22}, product.toFloatArray());
    }
  }

  @Test
  void theCpuModelOnRecordIsTheFirstProcessorsNameAndNumbers(@TempDir Path dir) throws IOException {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n"
        + "model name\t: AMD EPYC\nstepping\t: 1\n\nprocessor\t: 1\ncpu family\t: 23\nmodel\t\t: 49\n"
        + "model name\t: AMD EPYC 7R32\nstepping\t: 0\n");
    assertEquals("AMD EPYC (family 25, model 17, stepping 1)", Engines.cpuModel(cpuinfo));
    Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\n");
    assertEquals("Intel(R) Xeon(R) Processor", Engines.cpuModel(cpuinfo), "no numbers given");
    Files.writeString(cpuinfo, "processor\t: 0\nCPU implementer\t: 0x41\n");
    assertEquals("unknown", Engines.cpuModel(cpuinfo), "no model name line (e.g. ARM)");
    assertEquals("unknown", Engines.cpuModel(dir.resolve("missing")));
  }
}
