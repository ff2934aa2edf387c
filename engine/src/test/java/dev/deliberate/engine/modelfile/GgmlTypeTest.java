package dev.deliberate.engine.modelfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Each tensor type decoded from one hand-made block; the expected values are worked out by hand from the block
 * layout (shown in the comments). The same code is checked bit for bit against the gguf package on real blocks by
 * interop/check-gguf.sh.
 */
class GgmlTypeTest {
  static final short ONE = 0x3C00;
  static final short HALF = 0x3800;
  static final short QUARTER = 0x3400;
  static final short EIGHTH = 0x3000;
  static final short MINUS_ONE = (short) 0xBC00;

  private static ByteBuffer block(GgmlType type) {
    return ByteBuffer.allocate(type.bytesPerBlock()).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static float[] decode(GgmlType type, ByteBuffer block) {
    float[] out = new float[type.blockSize()];
    type.dequantize(block, 0, 1, out, 0);
    return out;
  }

  @Test
  void plainFloatTypesDecodeTheirBitPatterns() {
    ByteBuffer f32 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, -1.5f);
    assertEquals(-1.5f, decode(GgmlType.F32, f32)[0]);
    float[] halves = new float[4];
    ByteBuffer f16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putShort(0, ONE).putShort(2, (short) 0xC000).putShort(4, (short) 0x7BFF).putShort(6, (short) 0x0001);
    GgmlType.F16.dequantize(f16, 0, 4, halves, 0);
    // 1, -2, the largest half (65504) and the smallest subnormal (2^-24).
    assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, halves, 0f);
    float[] brains = new float[2];
    ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 0x3F80)
        .putShort(2, (short) 0xC040);
    GgmlType.BF16.dequantize(bf16, 0, 2, brains, 0);
    assertArrayEquals(new float[] {1f, -3f}, brains, 0f);
  }

  @Test
  void q4_0IsAHalfScaleTimesNibblesLessEight() {
    // d = 0.5; byte j = j (low nibble, value j) | (15 - j) << 4 (high nibble, value j + 16).
    ByteBuffer b = block(GgmlType.Q4_0).putShort(0, HALF);
    for (int j = 0; j < 16; j++) {
      b.put(2 + j, (byte) (j | (15 - j) << 4));
    }
    float[] expected = {
      -4f, -3.5f, -3f, -2.5f, -2f, -1.5f, -1f, -0.5f, 0f, 0.5f, 1f, 1.5f, 2f, 2.5f, 3f, 3.5f,
      3.5f, 3f, 2.5f, 2f, 1.5f, 1f, 0.5f, 0f, -0.5f, -1f, -1.5f, -2f, -2.5f, -3f, -3.5f, -4f};
    assertArrayEquals(expected, decode(GgmlType.Q4_0, b), 0f);
  }

  @Test
  void q4_1AddsItsMinimum() {
    // d = 0.25, m = -1; byte 0 = 0x0F (value 0: 15, value 16: 0), byte 1 = 0x21 (value 1: 1, value 17: 2).
    ByteBuffer b = block(GgmlType.Q4_1).putShort(0, QUARTER).putShort(2, MINUS_ONE).put(4, (byte) 0x0F)
        .put(5, (byte) 0x21);
    float[] out = decode(GgmlType.Q4_1, b);
    assertEquals(0.25f * 15 - 1, out[0]);
    assertEquals(-1f, out[16]);
    assertEquals(-0.75f, out[1]);
    assertEquals(-0.5f, out[17]);
    assertEquals(-1f, out[31]);
  }

  @Test
  void q5_0TakesTheFifthBitFromAWordOfHighBits() {
    // d = 1; high bits 0x00010001: values 0 and 16 have their fifth bit; byte 0 = 0x3F (value 0: 15, value 16: 3).
    ByteBuffer b = block(GgmlType.Q5_0).putShort(0, ONE).putInt(2, 0x00010001).put(6, (byte) 0x3F);
    float[] out = decode(GgmlType.Q5_0, b);
    assertEquals((15 | 16) - 16, out[0]);
    assertEquals((3 | 16) - 16, out[16]);
    assertEquals(-16f, out[1]);
    assertEquals(-16f, out[17]);
  }

  @Test
  void q5_1IsUnsignedWithAMinimum() {
    // d = 0.5, m = 1; high bit 31 belongs to value 31 (byte 15's high nibble, 15): 0.5 * 31 + 1.
    ByteBuffer b = block(GgmlType.Q5_1).putShort(0, HALF).putShort(2, ONE).putInt(4, 0x80000000)
        .put(8 + 15, (byte) 0xF0);
    float[] out = decode(GgmlType.Q5_1, b);
    assertEquals(16.5f, out[31]);
    assertEquals(1f, out[15]);
    assertEquals(1f, out[0]);
  }

  @Test
  void q8_0IsSignedBytesTimesAScale() {
    ByteBuffer b = block(GgmlType.Q8_0).putShort(0, EIGHTH).put(2, (byte) -128).put(3, (byte) -1).put(5, (byte) 1)
        .put(6, (byte) 127);
    float[] out = decode(GgmlType.Q8_0, b);
    assertArrayEquals(new float[] {-16f, -0.125f, 0f, 0.125f, 15.875f}, java.util.Arrays.copyOf(out, 5), 0f);
  }

  /**
   * Scales for Q4_K and Q5_K: sub-block 0 has scale 2 and minimum 4 (bytes 0 and 4); sub-block 1 scale 1 and
   * minimum 3, whose spare top bits (01 and 10) are the high bits of sub-block 5's scale and minimum; byte 9 =
   * 0x73 gives sub-block 5 its low bits 3 and 7, so its scale is 3 + 16 = 19 and its minimum 7 + 32 = 39.
   */
  private static void kScales(ByteBuffer b) {
    b.put(4, (byte) 2).put(4 + 4, (byte) 4).put(4 + 1, (byte) (0x40 | 1)).put(4 + 5, (byte) (0x80 | 3))
        .put(4 + 9, (byte) 0x73);
  }

  @Test
  void q4_kUnpacksSixBitScalesAndMinimums() {
    // d = 1, dmin = 0.5. Byte 0 = 0x9A: value 0 (sub-block 0) is 10, value 32 (sub-block 1) is 9.
    // Byte 64 = 0xC0: value 160 (group 2's high nibbles, sub-block 5) is 12.
    ByteBuffer b = block(GgmlType.Q4_K).putShort(0, ONE).putShort(2, HALF);
    kScales(b);
    b.put(16, (byte) 0x9A).put(16 + 64, (byte) 0xC0);
    float[] out = decode(GgmlType.Q4_K, b);
    assertEquals(2 * 10 - 0.5f * 4, out[0]);
    assertEquals(1 * 9 - 0.5f * 3, out[32]);
    assertEquals(19 * 12 - 0.5f * 39, out[160]);
    assertEquals(0f, out[128]); // sub-block 4: scale and minimum 0
    assertEquals(-0.5f * 4, out[1]); // a zero nibble leaves minus the minimum
  }

  @Test
  void q5_kAddsAFifthBitPerSubBlock() {
    // As the Q4_K block, with high-bit byte 0 = 0b100001: value 0 (sub-block 0, bit 0) and value 160
    // (sub-block 5, bit 5) get 16 added; value 32 (sub-block 1, bit 1) does not.
    ByteBuffer b = block(GgmlType.Q5_K).putShort(0, ONE).putShort(2, HALF);
    kScales(b);
    b.put(16, (byte) 0b100001).put(48, (byte) 0x9A).put(48 + 64, (byte) 0xC0);
    float[] out = decode(GgmlType.Q5_K, b);
    assertEquals(2 * (10 + 16) - 0.5f * 4, out[0]);
    assertEquals(1 * 9 - 0.5f * 3, out[32]);
    assertEquals(19 * (12 + 16) - 0.5f * 39, out[160]);
  }

  @Test
  void q6_kCombinesNibblesWithTwoBitPairsAndSignedScales() {
    // d = 0.5 (last two bytes); scales 0, 2, 4, 6 of the first half are 2, -1, 3, 4; scale 9 (second half,
    // values 16..31 of its first quarter) is 5.
    ByteBuffer b = block(GgmlType.Q6_K).putShort(208, HALF);
    b.put(192, (byte) 2).put(194, (byte) -1).put(196, (byte) 3).put(198, (byte) 4).put(192 + 9, (byte) 5);
    // Value 0 and 64 from byte 0 (0x21: 1 and 2), values 32 and 96 from byte 32 (0x43: 3 and 4); their high
    // pairs from byte 128 = 0b11_10_01_00: 0, 1, 2, 3.
    b.put(0, (byte) 0x21).put(32, (byte) 0x43).put(128, (byte) 0xE4);
    // Value 128 + 16 from byte 64 + 16 (low nibble 15) and high pair byte 128 + 32 + 16 (3).
    b.put(64 + 16, (byte) 0x0F).put(128 + 32 + 16, (byte) 0x03);
    float[] out = decode(GgmlType.Q6_K, b);
    assertEquals(0.5f * 2 * ((1 | 0 << 4) - 32), out[0]);
    assertEquals(0.5f * -1 * ((3 | 1 << 4) - 32), out[32]);
    assertEquals(0.5f * 3 * ((2 | 2 << 4) - 32), out[64]);
    assertEquals(0.5f * 4 * ((4 | 3 << 4) - 32), out[96]);
    assertEquals(0.5f * 5 * ((15 | 3 << 4) - 32), out[128 + 16]);
    assertEquals(0.5f * 2 * -32, out[1]); // all-zero bits are -32
  }

  @Test
  void typesAreFoundByTheirGgmlIdAndUnknownIdsAreNot() {
    assertEquals(GgmlType.Q4_K, GgmlType.byId(12));
    assertEquals(GgmlType.BF16, GgmlType.byId(30));
    assertNull(GgmlType.byId(4)); // Q4_2, removed from ggml
    assertNull(GgmlType.byId(99));
  }
}
