package dev.deliberate.run;

import dev.deliberate.io.AtomicFiles;
import dev.deliberate.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A run directory: {@code manifest.json}, one JSONL file per stage and the response cache
 * ({@code cache.sqlite}). The manifest is rewritten atomically on each update, so a crash leaves the last
 * complete version. One process owns a run directory at a time; within it, updates are serialised.
 */
public final class RunDirectory {
  public static final String MANIFEST = "manifest.json";
  public static final String CACHE = "cache.sqlite";

  private final Path dir;
  private Manifest manifest;

  private RunDirectory(Path dir, Manifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /** Opens the run directory, creating it and its manifest when missing. */
  public static RunDirectory open(Path dir, String projectVersion) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(MANIFEST);
      if (Files.exists(file)) {
        Manifest existing = Manifest.parse(file, Files.readString(file));
        RunDirectory run = new RunDirectory(dir, existing);
        run.update(m -> new Manifest(m.formatVersion(), projectVersion, Runtime.version().toString(), m.createdAt(),
            m.specHash(), m.config(), m.stages()));
        return run;
      }
      Manifest fresh = new Manifest(Manifest.FORMAT_VERSION, projectVersion, Runtime.version().toString(),
          Instant.now().toString(), null, Map.of(), Map.of());
      RunDirectory run = new RunDirectory(dir, fresh);
      run.write();
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open run directory " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** A file inside the run directory. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  public Path cacheFile() {
    return dir.resolve(CACHE);
  }

  public synchronized Manifest manifest() {
    return manifest;
  }

  /** Applies a change to the manifest and writes it atomically; returns the new manifest. */
  public synchronized Manifest update(UnaryOperator<Manifest> change) {
    manifest = change.apply(manifest);
    write();
    return manifest;
  }

  public synchronized Manifest.Stage stage(String name) {
    return manifest.stages().get(name);
  }

  private void write() {
    try {
      String text = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(manifest);
      AtomicFiles.writeString(dir.resolve(MANIFEST), text + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the manifest", e);
    }
  }
}
