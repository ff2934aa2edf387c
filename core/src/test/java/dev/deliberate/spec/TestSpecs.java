package dev.deliberate.spec;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the specs tests read live: the project's default spec and the fixtures under test resources. */
public final class TestSpecs {
  private TestSpecs() {}

  /** {@code specs/default.md} of this checkout, found by walking up from the working directory (a module). */
  public static Path defaultSpec() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("specs/default.md");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("specs/default.md not found above " + Path.of("").toAbsolutePath());
  }

  /** A file under {@code core/src/test/resources/specs}, e.g. {@code minimal.md} or {@code broken/empty-section.md}. */
  public static Path fixture(String name) {
    URL url = TestSpecs.class.getResource("/specs/" + name);
    if (url == null) {
      throw new IllegalStateException("no test resource specs/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
