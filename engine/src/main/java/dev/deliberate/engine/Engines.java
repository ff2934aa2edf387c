package dev.deliberate.engine;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Access to the PyTorch engine, always offline: nothing may be downloaded at run time. The number of intra-op
 * threads comes from {@code ai.djl.pytorch.num_threads} (or the environment variable
 * {@code DELIBERATE_THREADS}). By default: all processors on an idle machine, one thread on a busy one (load
 * average at or above the processor count), because OpenMP workers that spin while descheduled made training
 * five times slower than a single thread on a shared machine (see bench/README.md); the tests, and the launcher when
 * the machine is busy as it starts, also set {@code OMP_WAIT_POLICY=PASSIVE}, which removes that slowdown.
 */
public final class Engines {
  private Engines() {}

  /** The PyTorch engine, with DJL's offline mode and the thread count set before it loads. */
  public static synchronized Engine pytorch() {
    System.setProperty("ai.djl.offline", "true");
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      fixThreads(defaultThreads());
    }
    return Engine.getEngine("PyTorch");
  }

  /**
   * Uses {@code threads} intra-op threads unless {@code DELIBERATE_THREADS} or the system property already chose a
   * number; returns the number in use. For runs that must repeat exactly: a different thread count changes the
   * order of float summation, hence the trained weights. Only a call before the engine first loads has an effect.
   */
  public static synchronized int fixThreads(int threads) {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      String env = System.getenv("DELIBERATE_THREADS");
      int chosen = env != null && env.matches("\\d+") ? Integer.parseInt(env) : threads;
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(chosen));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    return Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads"));
  }

  /** The environment variables that choose the math libraries' kernels, which the launcher pins to AVX2. */
  static final List<String> KERNEL_SETTINGS = List.of("ATEN_CPU_CAPABILITY", "MKL_CBWR",
      "ONEDNN_MAX_CPU_ISA");

  /**
   * What the engine's arithmetic depends on beyond the seed, for a run's manifest: the thread count (once fixed),
   * the CPU model and each kernel setting, {@code "unset"} where the libraries choose by the CPU. Equal values on
   * one machine gave bit-identical runs. Across CPU models the kernel pin is not enough: an AMD EPYC and an Intel
   * Xeon, both pinned to AVX2, trained different weights from one seed (MKL's reproducibility promise covers Intel
   * CPUs only), so the CPU model is on record beside the settings.
   */
  public static synchronized Map<String, String> numerics() {
    Map<String, String> out = new LinkedHashMap<>();
    String threads = System.getProperty("ai.djl.pytorch.num_threads");
    out.put("threads", threads == null ? "not fixed" : threads);
    out.put("arch", System.getProperty("os.arch"));
    out.put("cpu", cpuModel(Path.of("/proc/cpuinfo")));
    for (String name : KERNEL_SETTINGS) {
      String value = System.getenv(name);
      out.put(name, value == null || value.isBlank() ? "unset" : value);
    }
    return out;
  }

  /**
   * The first processor's {@code model name} in a cpuinfo file (Linux on x86) with its family, model and stepping
   * numbers where given, else "unknown". Virtual machines often show a bare "AMD EPYC"; the numbers still tell one
   * generation from another (family 25 model 17 is Zen 4).
   */
  static String cpuModel(Path cpuinfo) {
    Map<String, String> first = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(cpuinfo)) {
        if (line.isBlank()) {
          break; // the end of the first processor's block
        }
        int colon = line.indexOf(':');
        if (colon > 0) {
          first.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
    String name = first.getOrDefault("model name", "");
    if (name.isEmpty()) {
      return "unknown";
    }
    List<String> numbers = new ArrayList<>();
    for (String key : List.of("cpu family", "model", "stepping")) {
      String value = first.get(key);
      if (value != null && !value.isEmpty()) {
        numbers.add((key.equals("cpu family") ? "family" : key) + " " + value);
      }
    }
    return numbers.isEmpty() ? name : name + " (" + String.join(", ", numbers) + ")";
  }

  static int defaultThreads() {
    int processors = Runtime.getRuntime().availableProcessors();
    try {
      double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      return load >= processors ? 1 : processors;
    } catch (IOException | RuntimeException e) {
      return processors;
    }
  }
}
