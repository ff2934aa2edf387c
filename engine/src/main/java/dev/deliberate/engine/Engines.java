package dev.deliberate.engine;

import ai.djl.engine.Engine;

/**
 * Access to the PyTorch engine, always offline: nothing may be downloaded at run time. The number of intra-op
 * threads comes from {@code ai.djl.pytorch.num_threads} (or the environment variable
 * {@code DELIBERATE_THREADS}); by default all available processors.
 */
public final class Engines {
  private Engines() {}

  /** The PyTorch engine, with DJL's offline mode and the thread count set before it loads. */
  public static synchronized Engine pytorch() {
    System.setProperty("ai.djl.offline", "true");
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      String env = System.getenv("DELIBERATE_THREADS");
      int threads = env != null && env.matches("\\d+") ? Integer.parseInt(env) : Runtime.getRuntime().availableProcessors();
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    return Engine.getEngine("PyTorch");
  }
}
