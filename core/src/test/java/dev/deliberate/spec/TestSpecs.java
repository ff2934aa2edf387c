package dev.deliberate.spec;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the spec tests' files live: the project's default spec and the fixtures under core's test resources.
 * Both are found in the source tree (walking up from the working directory, which is a module), so that other
 * modules' tests, which see core's test classes as a jar, get real file paths too.
 */
public final class TestSpecs {
  private TestSpecs() {}

  /** {@code specs/default.md} of this checkout. */
  public static Path defaultSpec() {
    return find("specs/default.md");
  }

  /** A file under {@code core/src/test/resources/specs}, e.g. {@code minimal.md} or {@code broken/empty-section.md}. */
  public static Path fixture(String name) {
    return find("core/src/test/resources/specs/" + name);
  }

  private static Path find(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
