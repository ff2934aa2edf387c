package dev.deliberate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The benchmark data ships inside the project and the jar, unchanged; a fresh clone needs nothing beside it. */
class BuiltinFilesTest {
  /** The repository's copy, for people who want to read the files (tests run in the module's directory). */
  static final Path REPOSITORY_COPY = Path.of("..", "benchmarks");

  @Test
  void everyShippedBenchmarkFileHasItsRecordedSha256() throws Exception {
    for (Map.Entry<String, String> file : BuiltinFiles.BENCHMARK_SHA256.entrySet()) {
      if (!file.getValue().isEmpty()) {
        byte[] bytes = Files.readAllBytes(REPOSITORY_COPY.resolve(file.getKey()));
        assertEquals(file.getValue(), Hashes.sha256Hex(bytes), file.getKey() + " changed: a changed file is a changed benchmark");
      }
    }
  }

  @Test
  void everyDataFileIsListedAndEveryCsvHasAHash() throws Exception {
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(REPOSITORY_COPY)) {
      walk.filter(Files::isRegularFile).forEach(p -> onDisk.add(REPOSITORY_COPY.relativize(p).toString().replace('\\', '/')));
    }
    assertEquals(new TreeSet<>(BuiltinFiles.BENCHMARK_SHA256.keySet()), onDisk);
    BuiltinFiles.BENCHMARK_SHA256.forEach((name, sha) -> {
      if (name.endsWith(".csv")) {
        assertEquals(64, sha.length(), name + " needs its sha256");
      }
    });
  }

  @Test
  void eachSetsReadmeStatesTheSha256OfItsFiles() throws Exception {
    for (Map.Entry<String, String> file : BuiltinFiles.BENCHMARK_SHA256.entrySet()) {
      if (!file.getValue().isEmpty()) {
        Path readme = REPOSITORY_COPY.resolve(file.getKey()).resolveSibling("README.md");
        String text = Files.readString(readme);
        assertTrue(text.contains(file.getValue()), readme + " should give the sha256 of " + file.getKey());
        assertTrue(text.toLowerCase().contains("content warning"), readme + " needs a content warning");
        assertTrue(text.contains("## Licence"), readme + " needs a licence section");
      }
    }
  }

  @Test
  void theBuiltInCopyIsByteForByteTheRepositorysCopy() throws Exception {
    Path builtIn = BuiltinFiles.benchmarks();
    assertTrue(builtIn.isAbsolute() || Files.isDirectory(builtIn));
    for (String name : BuiltinFiles.BENCHMARK_SHA256.keySet()) {
      assertArrayEquals(Files.readAllBytes(REPOSITORY_COPY.resolve(name)), Files.readAllBytes(builtIn.resolve(name)), name);
    }
    assertEquals(builtIn, BuiltinFiles.benchmarks(), "the copy is made once and reused");
  }

  @Test
  void theDefaultSpecIsTheProjectsSpec() throws Exception {
    assertArrayEquals(Files.readAllBytes(Path.of("..", "specs", "default.md")), Files.readAllBytes(BuiltinFiles.defaultSpec()));
  }
}
