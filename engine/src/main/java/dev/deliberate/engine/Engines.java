package dev.deliberate.engine;

import ai.djl.engine.Engine;

/** Access to the PyTorch engine, always offline: nothing may be downloaded at run time. */
public final class Engines {
  private Engines() {}

  /** The PyTorch engine, with DJL's offline mode switched on before it loads. */
  public static Engine pytorch() {
    System.setProperty("ai.djl.offline", "true");
    return Engine.getEngine("PyTorch");
  }
}
