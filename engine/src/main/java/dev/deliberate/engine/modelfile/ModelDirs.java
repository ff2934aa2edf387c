package dev.deliberate.engine.modelfile;

import dev.deliberate.engine.tiny.TinyModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Turns what a user typed for a local model into a model directory. */
public final class ModelDirs {
  private ModelDirs() {}

  /**
   * {@code tiny} is the built-in tiny model (built into the cache on first use); {@code local:PATH} and a bare
   * {@code PATH} are a Hugging Face model directory.
   */
  public static Path resolve(String name, Consumer<String> progress) throws IOException {
    if (name.equals("tiny")) {
      return TinyModel.ensure(TinyModel.defaultCacheDir(), TinyModel.RECIPE, progress);
    }
    return Path.of(name.startsWith("local:") ? name.substring("local:".length()) : name);
  }
}
