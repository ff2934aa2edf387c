package dev.deliberate.engine.modelfile;

import static dev.deliberate.engine.modelfile.GgufBuilder.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
  @TempDir Path dir;

  /** A Q8_0 block of 32 values: scale 0.5, quants 0, 1, ..., 31. */
  static byte[] q8Block() {
    ByteBuffer b = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3800);
    for (int i = 0; i < 32; i++) {
      b.put((byte) i);
    }
    return b.array();
  }

  @Test
  void readsEveryValueTypeTheTensorInfosAndTheAlignedData() throws Exception {
    byte[] twoBlocks = new byte[68];
    System.arraycopy(q8Block(), 0, twoBlocks, 0, 34);
    System.arraycopy(q8Block(), 0, twoBlocks, 34, 34);
    Path file = new GgufBuilder()
        .alignment(64)
        .kv("u8", UINT8, 200).kv("i8", INT8, -5).kv("u16", UINT16, 60000).kv("i16", INT16, -300)
        .kv("u32", UINT32, 4_000_000_000L).kv("i32", INT32, -7).kv("f32", FLOAT32, 0.1).kv("bool", BOOL, true)
        .string("string", "héllo ☃").kv("u64", UINT64, 1L << 40).kv("i64", INT64, -9L).kv("f64", FLOAT64, 0.1)
        .array("strings", STRING, List.of("a", "", "ü"))
        .array("nested", ARRAY, List.of(new Array(INT32, List.of(1, 2)), new Array(INT32, List.of(3))))
        .f32Tensor("norm", new long[] {3}, new float[] {1f, -2f, 0.25f})
        .tensor("q8", new long[] {32, 2}, GgmlType.Q8_0.id(), twoBlocks)
        .write(dir.resolve("all.gguf"));

    GgufFile gguf = GgufFile.read(file);
    assertEquals(3, gguf.version());
    assertEquals(64, gguf.alignment());
    Map<String, Object> m = gguf.metadata();
    assertEquals(200L, m.get("u8"));
    assertEquals(-5L, m.get("i8"));
    assertEquals(60000L, m.get("u16"));
    assertEquals(-300L, m.get("i16"));
    assertEquals(4_000_000_000L, m.get("u32"));
    assertEquals(-7L, m.get("i32"));
    assertEquals(0.1, m.get("f32")); // a float32 kept as its shortest decimal
    assertEquals(true, m.get("bool"));
    assertEquals("héllo ☃", m.get("string"));
    assertEquals(1L << 40, m.get("u64"));
    assertEquals(-9L, m.get("i64"));
    assertEquals(0.1, m.get("f64"));
    assertEquals(List.of("a", "", "ü"), m.get("strings"));
    assertEquals(List.of(List.of(1L, 2L), List.of(3L)), m.get("nested"));

    assertEquals(0, gguf.dataOffset() % 64);
    GgufFile.TensorInfo norm = gguf.tensor("norm");
    GgufFile.TensorInfo q8 = gguf.tensor("q8");
    assertEquals(gguf.dataOffset(), norm.offset());
    assertEquals(gguf.dataOffset() + 64, q8.offset()); // the 12 bytes of "norm", padded to the alignment
    assertArrayEquals(new long[] {2, 32}, q8.shape());
    assertArrayEquals(new float[] {1f, -2f, 0.25f}, gguf.dequantize(norm), 0f);
    float[] values = gguf.dequantize(q8);
    assertEquals(64, values.length);
    assertEquals(15.5f, values[31]);
    assertEquals(0.5f, values[33]);
  }

  @Test
  void versionTwoIsReadToo() throws Exception {
    Path file = new GgufBuilder().version(2).string("general.architecture", "llama").write(dir.resolve("v2.gguf"));
    assertEquals(2, GgufFile.read(file).version());
  }

  private String error(Path file) {
    return assertThrows(BadInputException.class, () -> GgufFile.read(file)).getMessage();
  }

  @Test
  void aFileThatIsNotGgufSaysWhatItFound() throws Exception {
    Path zip = Files.write(dir.resolve("model.zip.gguf"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
    assertEquals(zip + ": offset 0: not a GGUF file (expected the magic bytes \"GGUF\", found 50 4B 03 04)",
        error(zip));
    Path empty = Files.write(dir.resolve("empty.gguf"), new byte[0]);
    assertEquals(empty + ": offset 0: truncated: expected 4 bytes for the magic number, but the file ends at 0",
        error(empty));
  }

  @Test
  void anUnknownVersionIsNamed() throws Exception {
    Path file = new GgufBuilder().version(1).write(dir.resolve("v1.gguf"));
    assertEquals(file + ": offset 4: GGUF version 1 is not supported (expected 2 or 3)", error(file));
  }

  @Test
  void aTruncatedFileNamesTheOffsetAndWhatWasBeingRead() throws Exception {
    byte[] whole = new GgufBuilder().string("general.architecture", "llama")
        .tensor("q8", new long[] {32}, GgmlType.Q8_0.id(), q8Block()).bytes();
    // Cut inside the string value "llama": its 8-byte length is at 24 + 8 + 20 + 4 = 56, the text at 64.
    Path inMetadata = Files.write(dir.resolve("cut-metadata.gguf"), Arrays.copyOf(whole, 66));
    assertEquals(inMetadata + ": offset 56: the length of metadata general.architecture 5 is more than the 2 bytes"
        + " left in the file can hold (a truncated file?)", error(inMetadata));
    // Cut inside the value type that follows the key.
    Path inType = Files.write(dir.resolve("cut-type.gguf"), Arrays.copyOf(whole, 54));
    assertEquals(inType + ": offset 52: truncated: expected 4 bytes for the value type of metadata"
        + " general.architecture, but the file ends at 54", error(inType));
    // Cut inside the tensor data.
    Path inData = Files.write(dir.resolve("cut-data.gguf"), Arrays.copyOf(whole, whole.length - 10));
    String message = error(inData);
    assertTrue(message.startsWith(inData + ": offset "), message);
    assertTrue(message.contains("tensor q8: its data [") && message.contains("runs past the end of the file at "
        + (whole.length - 10) + " (a truncated file?)"), message);
  }

  @Test
  void anUnknownTensorTypeIsNamedWithItsTensorAndOffset() throws Exception {
    Path file = new GgufBuilder().tensor("blk.0.attn_q.weight", new long[] {32}, 99, new byte[64])
        .write(dir.resolve("type.gguf"));
    // Header 24 bytes, then the name (8 + 19), the dimension count (4), one dimension (8): the type is at 63.
    assertEquals(file + ": offset 63: tensor blk.0.attn_q.weight: unknown tensor type 99 (expected a ggml type such"
        + " as 0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 12 Q4_K, 14 Q6_K, 30 BF16)", error(file));
  }

  @Test
  void aKnownTypeWeCannotDecodeFailsWhenItsDataIsAskedFor() throws Exception {
    Path file = new GgufBuilder().tensor("t", new long[] {256}, GgmlType.Q2_K.id(), new byte[84])
        .write(dir.resolve("q2k.gguf"));
    GgufFile gguf = GgufFile.read(file);
    String message = assertThrows(BadInputException.class, () -> gguf.dequantize(gguf.tensor("t"))).getMessage();
    assertTrue(message.startsWith(file + ": offset " + gguf.dataOffset() + ": tensor t: type Q2_K is not supported"),
        message);
  }

  @Test
  void badMetadataAndTensorInfosAreNamed() throws Exception {
    Path valueType = new GgufBuilder().kv("general.x", 13, 0).write(dir.resolve("value-type.gguf"));
    assertEquals(valueType + ": offset 41: metadata general.x: unknown value type 13 (expected 0..12: integers,"
        + " floats, bool, string, array)", error(valueType));

    Path rows = new GgufBuilder().tensor("t", new long[] {48}, GgmlType.Q8_0.id(), new byte[68])
        .write(dir.resolve("rows.gguf"));
    assertTrue(error(rows).contains("tensor t: a row of 48 values is not a whole number of Q8_0 blocks of 32"));

    Path alignment = new GgufBuilder().u32("general.alignment", 48).write(dir.resolve("alignment.gguf"));
    assertEquals(alignment + ": metadata general.alignment: expected a power of two, found 48", error(alignment));

    byte[] twice = new GgufBuilder().string("a", "x").string("a", "y").bytes();
    Path duplicate = Files.write(dir.resolve("twice.gguf"), twice);
    assertTrue(error(duplicate).endsWith("metadata key a appears twice"), error(duplicate));

    byte[] huge = new GgufBuilder().string("k", "v").bytes();
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 1L << 40); // tensor count
    Path count = Files.write(dir.resolve("count.gguf"), huge);
    assertTrue(error(count).startsWith(count + ": offset 8: the tensor count 1099511627776 is more than the "),
        error(count));
  }

  @Test
  void typedAccessorsNameAMissingOrMistypedKey() throws Exception {
    GgufFile gguf = GgufFile.read(new GgufBuilder().u32("llama.block_count", 2).string("name", "x")
        .write(dir.resolve("keys.gguf")));
    assertEquals(2, gguf.integer("llama.block_count"));
    assertEquals(7, gguf.integer("missing", 7));
    String missing = assertThrows(BadInputException.class, () -> gguf.string("general.architecture")).getMessage();
    assertEquals(gguf.path() + ": metadata general.architecture: missing (expected a string)", missing);
    String wrong = assertThrows(BadInputException.class, () -> gguf.integer("name")).getMessage();
    assertEquals(gguf.path() + ": metadata name: expected an integer, found \"x\"", wrong);
    assertEquals("x", new String("x".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
  }
}
