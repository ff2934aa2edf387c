package dev.deliberate;

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
}
