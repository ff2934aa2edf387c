package dev.deliberate.engine.modelfile;

import java.nio.ByteBuffer;

/**
 * The tensor types a GGUF file can hold, by their ggml id, with each type's block: how many values one block
 * encodes and how many bytes it takes. Types we cannot dequantize are listed too, so that an error can name them;
 * {@link #dequantizable()} says which ones we can.
 *
 * <p>Each quantized block starts (or, for Q6_K, ends) with half-precision scales; values are rebuilt in float with
 * the same operations, in the same order, as ggml's reference dequantization, so the results are bit-identical.
 */
public enum GgmlType {
  F32(0, 1, 4),
  F16(1, 1, 2),
  Q4_0(2, 32, 18),
  Q4_1(3, 32, 20),
  Q5_0(6, 32, 22),
  Q5_1(7, 32, 24),
  Q8_0(8, 32, 34),
  Q8_1(9, 32, 40),
  Q2_K(10, 256, 84),
  Q3_K(11, 256, 110),
  Q4_K(12, 256, 144),
  Q5_K(13, 256, 176),
  Q6_K(14, 256, 210),
  Q8_K(15, 256, 292),
  IQ2_XXS(16, 256, 66),
  IQ2_XS(17, 256, 74),
  IQ3_XXS(18, 256, 98),
  IQ1_S(19, 256, 50),
  IQ4_NL(20, 32, 18),
  IQ3_S(21, 256, 110),
  IQ2_S(22, 256, 82),
  IQ4_XS(23, 256, 136),
  I8(24, 1, 1),
  I16(25, 1, 2),
  I32(26, 1, 4),
  I64(27, 1, 8),
  F64(28, 1, 8),
  IQ1_M(29, 256, 56),
  BF16(30, 1, 2),
  TQ1_0(34, 256, 54),
  TQ2_0(35, 256, 66),
  MXFP4(39, 32, 17);

  /** Values in one K-quant super-block. */
  static final int QK_K = 256;

  private final int id;
  private final int blockSize;
  private final int bytesPerBlock;

  GgmlType(int id, int blockSize, int bytesPerBlock) {
    this.id = id;
    this.blockSize = blockSize;
    this.bytesPerBlock = bytesPerBlock;
  }

  /** The type's number in a GGUF tensor info. */
  public int id() {
    return id;
  }

  /** Values encoded by one block. */
  public int blockSize() {
    return blockSize;
  }

  /** Bytes taken by one block. */
  public int bytesPerBlock() {
    return bytesPerBlock;
  }

  /** The type with this ggml id, or null when the id is not one we know. */
  public static GgmlType byId(long id) {
    for (GgmlType type : values()) {
      if (type.id == id) {
        return type;
      }
    }
    return null;
  }

  /** Whether {@link #dequantize} handles this type. */
  public boolean dequantizable() {
    return switch (this) {
      case F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K -> true;
      default -> false;
    };
  }

  /** Bytes taken by {@code count} values (a whole number of blocks). */
  public long bytesFor(long count) {
    return count / blockSize * bytesPerBlock;
  }

  /**
   * Decodes {@code blocks} whole blocks from {@code in} (little-endian, absolute positions from {@code at}) into
   * {@code out} starting at {@code outAt}.
   */
  public void dequantize(ByteBuffer in, int at, int blocks, float[] out, int outAt) {
    int src = at;
    int dst = outAt;
    for (int b = 0; b < blocks; b++, src += bytesPerBlock, dst += blockSize) {
      switch (this) {
        case F32 -> out[dst] = in.getFloat(src);
        case F16 -> out[dst] = half(in, src);
        case BF16 -> out[dst] = Float.intBitsToFloat((in.getShort(src) & 0xffff) << 16);
        case Q4_0 -> q4_0(in, src, out, dst);
        case Q4_1 -> q4_1(in, src, out, dst);
        case Q5_0 -> q5_0(in, src, out, dst);
        case Q5_1 -> q5_1(in, src, out, dst);
        case Q8_0 -> q8_0(in, src, out, dst);
        case Q4_K -> q4_k(in, src, out, dst);
        case Q5_K -> q5_k(in, src, out, dst);
        case Q6_K -> q6_k(in, src, out, dst);
        default -> throw new IllegalArgumentException("no dequantization for tensor type " + this);
      }
    }
  }

  static float half(ByteBuffer in, int at) {
    return Safetensors.halfToFloat(in.getShort(at));
  }

  private static int u8(ByteBuffer in, int at) {
    return in.get(at) & 0xff;
  }

  // Q4_0: f16 scale d, then 16 bytes; byte j holds value j (low nibble) and value j + 16 (high nibble), offset 8.
  private static void q4_0(ByteBuffer in, int at, float[] out, int o) {
    float d = half(in, at);
    for (int j = 0; j < 16; j++) {
      int q = u8(in, at + 2 + j);
      out[o + j] = d * ((q & 0x0f) - 8);
      out[o + j + 16] = d * ((q >> 4) - 8);
    }
  }

  // Q4_1: f16 scale d and f16 minimum m, then the nibbles as in Q4_0, unsigned: x = d * q + m.
  private static void q4_1(ByteBuffer in, int at, float[] out, int o) {
    float d = half(in, at);
    float m = half(in, at + 2);
    for (int j = 0; j < 16; j++) {
      int q = u8(in, at + 4 + j);
      out[o + j] = d * (q & 0x0f) + m;
      out[o + j + 16] = d * (q >> 4) + m;
    }
  }

  // Q5_0: f16 d, a 32-bit word whose bit i is the fifth bit of value i, then the nibbles as in Q4_0; offset 16.
  private static void q5_0(ByteBuffer in, int at, float[] out, int o) {
    float d = half(in, at);
    int high = in.getInt(at + 2);
    for (int j = 0; j < 16; j++) {
      int q = u8(in, at + 6 + j);
      out[o + j] = d * (((q & 0x0f) | (((high >>> j) & 1) << 4)) - 16);
      out[o + j + 16] = d * (((q >> 4) | (((high >>> (j + 16)) & 1) << 4)) - 16);
    }
  }

  // Q5_1: f16 d, f16 m, the fifth bits, the nibbles; unsigned: x = d * q + m.
  private static void q5_1(ByteBuffer in, int at, float[] out, int o) {
    float d = half(in, at);
    float m = half(in, at + 2);
    int high = in.getInt(at + 4);
    for (int j = 0; j < 16; j++) {
      int q = u8(in, at + 8 + j);
      out[o + j] = d * ((q & 0x0f) | (((high >>> j) & 1) << 4)) + m;
      out[o + j + 16] = d * ((q >> 4) | (((high >>> (j + 16)) & 1) << 4)) + m;
    }
  }

  // Q8_0: f16 d, then 32 signed bytes.
  private static void q8_0(ByteBuffer in, int at, float[] out, int o) {
    float d = half(in, at);
    for (int j = 0; j < 32; j++) {
      out[o + j] = d * in.get(at + 2 + j);
    }
  }

  /**
   * The 6-bit scale and minimum of sub-block {@code j} (0..7) of a Q4_K/Q5_K super-block, packed in 12 bytes: the
   * first four sub-blocks keep theirs in the low six bits of bytes 0..3 (scale) and 4..7 (minimum); the last four
   * take four bits from bytes 8..11 and their top two bits from the spare top bits of bytes 0..7.
   */
  static int[] scaleAndMin(ByteBuffer in, int scalesAt, int j) {
    if (j < 4) {
      return new int[] {u8(in, scalesAt + j) & 63, u8(in, scalesAt + j + 4) & 63};
    }
    int packed = u8(in, scalesAt + j + 4);
    int scale = (packed & 0x0f) | ((u8(in, scalesAt + j - 4) >> 6) << 4);
    int min = (packed >> 4) | ((u8(in, scalesAt + j) >> 6) << 4);
    return new int[] {scale, min};
  }

  // Q4_K: f16 d, f16 dmin, 12 bytes of sub-block scales/minimums, 128 bytes of nibbles. Each 64 values take 32
  // bytes: the low nibbles are the first 32 values (sub-block 2i), the high nibbles the next 32 (sub-block 2i+1).
  private static void q4_k(ByteBuffer in, int at, float[] out, int o) {
    kQuant(in, at, -1, at + 16, out, o);
  }

  // Q5_K: as Q4_K with 32 extra bytes before the nibbles; bit s of byte l is the fifth bit of value l of
  // sub-block s.
  private static void q5_k(ByteBuffer in, int at, float[] out, int o) {
    kQuant(in, at, at + 16, at + 48, out, o);
  }

  /** Q4_K and Q5_K: nibbles at {@code qs}, and fifth bits at {@code qh} unless it is -1. */
  private static void kQuant(ByteBuffer in, int at, int qh, int qs, float[] out, int o) {
    float d = half(in, at);
    float dmin = half(in, at + 2);
    int scales = at + 4;
    for (int group = 0; group < 4; group++) {
      int[] lo = scaleAndMin(in, scales, 2 * group);
      int[] hi = scaleAndMin(in, scales, 2 * group + 1);
      float d1 = d * lo[0];
      float m1 = dmin * lo[1];
      float d2 = d * hi[0];
      float m2 = dmin * hi[1];
      for (int l = 0; l < 32; l++) {
        int q = u8(in, qs + 32 * group + l);
        int h = qh < 0 ? 0 : u8(in, qh + l);
        int q1 = (q & 0x0f) | (((h >> (2 * group)) & 1) << 4);
        int q2 = (q >> 4) | (((h >> (2 * group + 1)) & 1) << 4);
        out[o + 64 * group + l] = d1 * q1 - m1;
        out[o + 64 * group + 32 + l] = d2 * q2 - m2;
      }
    }
  }

  // Q6_K: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 signed 8-bit scales (one per 16 values),
  // then f16 d. Each half of 128 values uses 64 nibble bytes and 32 pair bytes: value l + 32k of the half takes
  // its low four bits from byte l (k = 0, 2) or l + 32 (k = 1, 3), low nibble for k < 2, and bits 2k, 2k+1 of
  // pair byte l; offset 32.
  private static void q6_k(ByteBuffer in, int at, float[] out, int o) {
    float d = half(in, at + 208);
    for (int half = 0; half < 2; half++) {
      int ql = at + 64 * half;
      int qh = at + 128 + 32 * half;
      int sc = at + 192 + 8 * half;
      int base = o + 128 * half;
      for (int l = 0; l < 32; l++) {
        int is = l / 16;
        int low0 = u8(in, ql + l);
        int low1 = u8(in, ql + l + 32);
        int high = u8(in, qh + l);
        int q1 = ((low0 & 0x0f) | ((high & 3) << 4)) - 32;
        int q2 = ((low1 & 0x0f) | (((high >> 2) & 3) << 4)) - 32;
        int q3 = ((low0 >> 4) | (((high >> 4) & 3) << 4)) - 32;
        int q4 = ((low1 >> 4) | (((high >> 6) & 3) << 4)) - 32;
        out[base + l] = d * in.get(sc + is) * q1;
        out[base + l + 32] = d * in.get(sc + is + 2) * q2;
        out[base + l + 64] = d * in.get(sc + is + 4) * q3;
        out[base + l + 96] = d * in.get(sc + is + 6) * q4;
      }
    }
  }
}
