package dev.deliberate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Instructions of ours that a model reads, shipped as a resource whose first line is {@code template-version: N}:
 * the stage-1 generation prompt and the attacker's instructions. {@link #hash} (SHA-256 of the whole file) goes
 * into the run manifest and into the keys of what the text produced, so a changed wording is visible and asks again.
 *
 * @param version the version on the first line
 * @param body the text after the first line
 * @param hash SHA-256 of the file as shipped
 */
public record VersionedText(String version, String body, String hash) {
  /** Reads {@code resource} next to {@code owner}; a missing file or version line is a build error, so it throws. */
  public static VersionedText load(Class<?> owner, String resource) {
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource + " next to " + owner.getName());
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int newline = text.indexOf('\n');
      String first = newline < 0 ? text : text.substring(0, newline).strip();
      if (!first.startsWith("template-version:")) {
        throw new IllegalStateException(resource + ":1: expected 'template-version: N'");
      }
      return new VersionedText(first.substring("template-version:".length()).strip(), text.substring(newline + 1),
          Hashes.sha256Hex(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
