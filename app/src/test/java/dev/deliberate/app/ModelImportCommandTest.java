package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad GGUF files given to {@code model import} and to {@code local:FILE.gguf}: one line each, exit 2. */
class ModelImportCommandTest {
  @TempDir Path dir;

  /** A GGUF v3 header: magic, version, tensor count, metadata count. */
  private static ByteBuffer header(int tensors, int kvs, int capacity) {
    return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN).put("GGUF".getBytes(StandardCharsets.US_ASCII))
        .putInt(3).putLong(tensors).putLong(kvs);
  }

  private static void string(ByteBuffer b, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    b.putLong(utf8.length).put(utf8);
  }

  private static byte[] written(ByteBuffer b) {
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  private Cli importing(Path file) {
    return Cli.run("model", "import", file.toString(), "-o", dir.resolve("out").toString());
  }

  private void assertOneLine(Cli cli, String expected) {
    assertEquals(ExitCode.BAD_INPUT, cli.status(), cli.err());
    assertEquals("error: " + expected + "\n", cli.err());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void aFileThatIsNotGguf() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.gguf"), "{\"not\": \"gguf\"}");
    assertOneLine(importing(file), file + ": offset 0: not a GGUF file (expected the magic bytes \"GGUF\", found"
        + " 7B 22 6E 6F)");
  }

  @Test
  void aTruncatedFile() throws Exception {
    Path file = Files.write(dir.resolve("cut.gguf"), java.util.Arrays.copyOf(written(header(0, 0, 24)), 20));
    assertOneLine(importing(file), file + ": offset 16: truncated: expected 8 bytes for the metadata count, but the"
        + " file ends at 20");
  }

  @Test
  void anUnknownTensorType() throws Exception {
    ByteBuffer b = header(1, 0, 256);
    string(b, "token_embd.weight");
    b.putInt(2).putLong(32).putLong(4).putInt(77).putLong(0);
    Path file = Files.write(dir.resolve("type.gguf"), written(b));
    // 24 header bytes, the name (8 + 17), the dimension count (4) and two dimensions (16): the type is at 69.
    assertOneLine(importing(file), file + ": offset 69: tensor token_embd.weight: unknown tensor type 77 (expected a"
        + " ggml type such as 0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 12 Q4_K, 14 Q6_K, 30 BF16)");
  }

  @Test
  void anUnknownArchitectureAlsoThroughALocalModelString() throws Exception {
    ByteBuffer b = header(0, 1, 256);
    string(b, "general.architecture");
    b.putInt(8);
    string(b, "rwkv6");
    Path file = Files.write(dir.resolve("rwkv.gguf"), written(b));
    String expected = file + ": metadata general.architecture: \"rwkv6\" is not supported (expected \"llama\")";
    assertOneLine(importing(file), expected);
    Cli logits = Cli.run("model", "logits", "--model", "local:" + file, "--ids", "1");
    assertEquals(ExitCode.BAD_INPUT, logits.status());
    assertEquals("error: " + expected + "\n", logits.err());
  }

  @Test
  void importRefusesToWriteOverADirectory() throws Exception {
    Files.createDirectories(dir.resolve("out"));
    Path file = Files.write(dir.resolve("x.gguf"), written(header(0, 0, 24)));
    Cli cli = importing(file);
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: " + dir.resolve("out") + ": already exists (expected a new directory to import into)\n",
        cli.err());
  }
}
