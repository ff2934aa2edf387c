package dev.deliberate.engine.modelfile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small GGUF files for tests, byte by byte as the format lays them out, so the reader is tested against
 * the format rather than against itself. Values are given with their GGUF value type.
 */
final class GgufBuilder {
  static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
      STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;

  /** An array value: its element type and elements (themselves {@code Array}s for nested arrays). */
  record Array(int elementType, List<?> elements) {}

  private record Kv(String key, int type, Object value) {}

  private record Tensor(String name, long[] dims, int type, byte[] data) {}

  private int version = 3;
  private int magic = GgufFile.MAGIC;
  private long alignment = 32;
  private final List<Kv> kvs = new ArrayList<>();
  private final List<Tensor> tensors = new ArrayList<>();

  GgufBuilder version(int version) {
    this.version = version;
    return this;
  }

  GgufBuilder magic(int magic) {
    this.magic = magic;
    return this;
  }

  /** Declares {@code general.alignment} and lays the data out with it. */
  GgufBuilder alignment(long alignment) {
    this.alignment = alignment;
    return kv("general.alignment", UINT32, alignment);
  }

  GgufBuilder kv(String key, int type, Object value) {
    kvs.add(new Kv(key, type, value));
    return this;
  }

  GgufBuilder string(String key, String value) {
    return kv(key, STRING, value);
  }

  GgufBuilder u32(String key, long value) {
    return kv(key, UINT32, value);
  }

  GgufBuilder f32(String key, double value) {
    return kv(key, FLOAT32, value);
  }

  GgufBuilder array(String key, int elementType, List<?> elements) {
    return kv(key, ARRAY, new Array(elementType, elements));
  }

  /** A tensor with raw data of ggml type {@code type}; {@code dims} in ggml order (fastest first). */
  GgufBuilder tensor(String name, long[] dims, int type, byte[] data) {
    tensors.add(new Tensor(name, dims, type, data));
    return this;
  }

  /** An F32 tensor of a row-major {@code [rows, cols]} (or 1-D) array, as ggml stores it. */
  GgufBuilder f32Tensor(String name, long[] rowMajorShape, float[] values) {
    long[] dims = new long[rowMajorShape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = rowMajorShape[rowMajorShape.length - 1 - i];
    }
    ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      data.putFloat(v);
    }
    return tensor(name, dims, 0, data.array());
  }

  byte[] bytes() {
    Out out = new Out();
    out.i32(magic);
    out.i32(version);
    out.i64(tensors.size());
    out.i64(kvs.size());
    for (Kv kv : kvs) {
      out.string(kv.key());
      out.i32(kv.type());
      out.value(kv.type(), kv.value());
    }
    long offset = 0;
    List<Long> offsets = new ArrayList<>();
    for (Tensor t : tensors) {
      out.string(t.name());
      out.i32(t.dims().length);
      for (long d : t.dims()) {
        out.i64(d);
      }
      out.i32(t.type());
      out.i64(offset);
      offsets.add(offset);
      offset = align(offset + t.data().length);
    }
    out.pad(align(out.size()) - out.size());
    long dataStart = out.size();
    for (int i = 0; i < tensors.size(); i++) {
      out.pad(dataStart + offsets.get(i) - out.size());
      out.bytes(tensors.get(i).data());
    }
    return out.toByteArray();
  }

  Path write(Path file) throws IOException {
    Files.write(file, bytes());
    return file;
  }

  private long align(long n) {
    return (n + alignment - 1) / alignment * alignment;
  }

  /** Little-endian output. */
  private static final class Out extends ByteArrayOutputStream {
    void i32(long v) {
      bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    void i64(long v) {
      bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    void bytes(byte[] b) {
      write(b, 0, b.length);
    }

    void pad(long n) {
      for (long i = 0; i < n; i++) {
        write(0);
      }
    }

    void string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      i64(utf8.length);
      bytes(utf8);
    }

    void value(int type, Object v) {
      switch (type) {
        case UINT8, INT8, BOOL -> write(v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).intValue());
        case UINT16, INT16 -> bytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
            .putShort(((Number) v).shortValue()).array());
        case UINT32, INT32 -> i32(((Number) v).longValue());
        case FLOAT32 -> bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
            .putFloat(((Number) v).floatValue()).array());
        case STRING -> string((String) v);
        case ARRAY -> {
          Array a = (Array) v;
          i32(a.elementType());
          i64(a.elements().size());
          a.elements().forEach(e -> value(a.elementType(), e));
        }
        case UINT64, INT64 -> i64(((Number) v).longValue());
        case FLOAT64 -> bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
            .putDouble(((Number) v).doubleValue()).array());
        default -> i32(0); // an invalid type: the test writes no value for it
      }
    }
  }
}
