package dev.deliberate;

import dev.deliberate.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Files that ship inside the jar, so that every command works from any working directory of a fresh clone: the
 * benchmark data (the repository's {@code benchmarks/}) and the default spec ({@code specs/default.md}).
 *
 * <p>Readers take paths, so each set is copied once out of the classpath into the user cache, under a directory
 * named by the hash of its content; a copy is written to a temporary directory and renamed into place whole, so an
 * interrupted copy is never used.
 */
public final class BuiltinFiles {
  /**
   * Every shipped benchmark file and its SHA-256. A changed file is a changed benchmark: the copy refuses it, and
   * {@code BuiltinFilesTest} checks the repository's files against this list.
   */
  public static final Map<String, String> BENCHMARK_SHA256 = benchmarkHashes();

  private BuiltinFiles() {}

  /** The directory holding {@code strongreject/} and {@code xstest/}, the default wherever benchmarks are read. */
  public static Path benchmarks() {
    return materialize("benchmarks", BENCHMARK_SHA256);
  }

  /** The default spec, {@code specs/default.md} of the project. */
  public static Path defaultSpec() {
    return materialize("specs", Map.of("default.md", "")).resolve("default.md");
  }

  private static Map<String, String> benchmarkHashes() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("README.md", "");
    files.put("strongreject/README.md", "");
    files.put("strongreject/LICENSE-MIT.txt", "");
    files.put("strongreject/strongreject_dataset.csv", "4dd70357e4ff8b5d0ba5ebafecab5d6dd5633ce8046e3dd1c8bd93e64de44381");
    files.put("strongreject/strongreject_small_dataset.csv", "3051340e3e89a3598d764dde497d5fcda80e258ac05cc35e6bd87228ac3d467c");
    files.put("xstest/README.md", "");
    files.put("xstest/xstest_prompts.csv", "11783fb294ed017473ee53c207d71f2161c7672c8d0b037501e78387f801cb5a");
    files.put("xstest/labeled/README.md", "");
    files.put("xstest/labeled/xstest_v2_completions_llama2orig.csv", "cbc52550e8ba8197a3e3d97a5af078d27bae4766737cd62df80270126a87ffc6");
    return Collections.unmodifiableMap(files);
  }

  /**
   * Copies the resources {@code dev/deliberate/SET/NAME} for every name of {@code files} into the cache and returns
   * the directory. A non-empty hash in {@code files} must match the resource's SHA-256.
   */
  private static synchronized Path materialize(String set, Map<String, String> files) {
    Map<String, byte[]> content = new LinkedHashMap<>();
    StringBuilder all = new StringBuilder();
    for (Map.Entry<String, String> file : files.entrySet()) {
      byte[] bytes = read(set + "/" + file.getKey());
      String sha = Hashes.sha256Hex(bytes);
      if (!file.getValue().isEmpty() && !file.getValue().equals(sha)) {
        throw new IllegalStateException("built-in " + set + "/" + file.getKey() + ": sha256 " + sha + ", expected "
            + file.getValue() + " (the jar was built from changed benchmark files)");
      }
      content.put(file.getKey(), bytes);
      all.append(file.getKey()).append('\u0000').append(sha).append('\n');
    }
    Path dir = UserCache.dir().resolve("builtin").resolve(set + "-" + Hashes.sha256Hex(all.toString()).substring(0, 16));
    if (Files.isDirectory(dir)) {
      return dir;
    }
    try {
      Files.createDirectories(dir.getParent());
      Path temp = Files.createTempDirectory(dir.getParent(), "." + set + "-");
      try {
        for (Map.Entry<String, byte[]> file : content.entrySet()) {
          Path target = temp.resolve(file.getKey());
          Files.createDirectories(target.getParent());
          Files.write(target, file.getValue());
        }
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!Files.isDirectory(dir)) {
          throw e;
        }
        // Another process put the same content in place first.
      } finally {
        AtomicFiles.deleteRecursively(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the built-in " + set + " to " + dir + " (" + e.getMessage()
          + "); set DELIBERATE_CACHE to a writable directory", e);
    }
    return dir;
  }

  private static byte[] read(String resource) {
    try (InputStream in = BuiltinFiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in file dev/deliberate/" + resource + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the built-in file " + resource, e);
    }
  }
}
