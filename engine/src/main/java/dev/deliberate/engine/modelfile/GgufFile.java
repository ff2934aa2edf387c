package dev.deliberate.engine.modelfile;

import dev.deliberate.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GGUF file (versions 2 and 3), read and checked in file order: the header (magic {@code GGUF}, version, tensor
 * and metadata counts), the metadata key/value pairs, the tensor infos, then the data section, which starts at the
 * next multiple of {@code general.alignment} (default 32) and holds each tensor at its aligned offset. Every check
 * names the file, the byte offset and what was expected. Tensor data is not read until {@link #dequantize} asks.
 *
 * <p>Metadata values are Java values: every integer type as {@link Long}, both float types as {@link Double},
 * {@link Boolean}, {@link String}, and arrays as {@link List}.
 *
 * @param dataOffset where the data section starts, from the start of the file
 */
public record GgufFile(
    Path path, int version, Map<String, Object> metadata, List<TensorInfo> tensors, long alignment, long dataOffset) {

  /** The magic number, "GGUF" in file order. */
  static final int MAGIC = 0x46554747;
  static final long DEFAULT_ALIGNMENT = 32;
  /** ggml tensors have at most four dimensions. */
  static final int MAX_DIMS = 4;

  /**
   * One tensor of the file.
   *
   * @param dims the dimensions in ggml order: {@code dims[0]} varies fastest (a row), so a PyTorch
   *     {@code [out, in]} matrix is {@code [in, out]} here
   * @param offset where its data starts, from the start of the file
   */
  public record TensorInfo(String name, long[] dims, GgmlType type, long offset) {
    public long count() {
      return Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    }

    public long byteSize() {
      return type.bytesFor(count());
    }

    /** The shape in row-major (PyTorch) order: {@code dims} reversed. */
    public long[] shape() {
      long[] shape = new long[dims.length];
      for (int i = 0; i < dims.length; i++) {
        shape[i] = dims[dims.length - 1 - i];
      }
      return shape;
    }
  }

  public GgufFile {
    metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    tensors = List.copyOf(tensors);
  }

  /** Reads and checks the header, metadata and tensor infos; a problem is a {@link BadInputException}. */
  public static GgufFile read(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return new Reader(file, channel).readFile();
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    }
  }

  /** The tensor of that name, or null. */
  public TensorInfo tensor(String name) {
    for (TensorInfo t : tensors) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** The tensor's values as floats, in ggml order (row-major for {@link TensorInfo#shape()}). */
  public float[] dequantize(TensorInfo tensor) {
    if (!tensor.type().dequantizable()) {
      throw new BadInputException(path + ": offset " + tensor.offset() + ": tensor " + tensor.name() + ": type "
          + tensor.type() + " is not supported (expected one of F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K,"
          + " Q5_K, Q6_K)");
    }
    long count = tensor.count();
    long bytes = tensor.byteSize();
    if (count > Integer.MAX_VALUE - 8 || bytes > Integer.MAX_VALUE) {
      throw new BadInputException(path + ": tensor " + tensor.name() + ": " + count + " values is more than one"
          + " Java array holds");
    }
    float[] out = new float[(int) count];
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      MappedByteBuffer raw = channel.map(FileChannel.MapMode.READ_ONLY, tensor.offset(), bytes);
      raw.order(ByteOrder.LITTLE_ENDIAN);
      tensor.type().dequantize(raw, 0, (int) (count / tensor.type().blockSize()), out, 0);
    } catch (IOException e) {
      throw new BadInputException(path + ": tensor " + tensor.name() + ": cannot read: " + e.getMessage());
    }
    return out;
  }

  /** A string value, or a {@link BadInputException} naming the key when it is missing or not a string. */
  public String string(String key) {
    Object value = metadata.get(key);
    if (!(value instanceof String s)) {
      throw missingOrWrong(key, "a string", value);
    }
    return s;
  }

  /** An integer value (of any integer type), or a {@link BadInputException} naming the key. */
  public long integer(String key) {
    Object value = metadata.get(key);
    if (!(value instanceof Long n)) {
      throw missingOrWrong(key, "an integer", value);
    }
    return n;
  }

  /** An integer value, or {@code fallback} when the key is absent. */
  public long integer(String key, long fallback) {
    return metadata.containsKey(key) ? integer(key) : fallback;
  }

  /** A float value (float32 or float64), or {@code fallback} when the key is absent. */
  public double number(String key, double fallback) {
    Object value = metadata.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Double d)) {
      throw missingOrWrong(key, "a float", value);
    }
    return d;
  }

  /** An array value, or a {@link BadInputException} naming the key. */
  public List<?> array(String key) {
    Object value = metadata.get(key);
    if (!(value instanceof List<?> list)) {
      throw missingOrWrong(key, "an array", value);
    }
    return list;
  }

  private BadInputException missingOrWrong(String key, String expected, Object value) {
    return new BadInputException(path + ": metadata " + key + ": "
        + (value == null ? "missing (expected " + expected + ")" : "expected " + expected + ", found " + describe(value)));
  }

  static String describe(Object value) {
    if (value instanceof List<?> list) {
      return "an array of " + list.size();
    }
    if (value instanceof String s) {
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    return String.valueOf(value);
  }

  /** Reads the file front to back through a small buffer, knowing the offset of every byte it hands out. */
  private static final class Reader {
    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    /** File offset of the buffer's first byte. */
    private long bufferStart;

    Reader(Path file, FileChannel channel) throws IOException {
      this.file = file;
      this.channel = channel;
      this.size = channel.size();
      buffer.limit(0);
    }

    long offset() {
      return bufferStart + buffer.position();
    }

    BadInputException error(long at, String message) {
      return new BadInputException(file + ": offset " + at + ": " + message);
    }

    /** Makes {@code n} bytes available, or fails naming what they were to hold. */
    private void need(int n, String what) throws IOException {
      if (buffer.remaining() >= n) {
        return;
      }
      long at = offset();
      if (at + n > size) {
        throw error(at, "truncated: expected " + n + " bytes for " + what + ", but the file ends at " + size);
      }
      // compact() moves the unread bytes to the front: the buffer's first byte is then the current offset.
      buffer.compact();
      bufferStart = at;
      while (buffer.position() < n) {
        if (channel.read(buffer, bufferStart + buffer.position()) < 0) {
          throw error(at, "truncated: expected " + n + " bytes for " + what);
        }
      }
      buffer.flip();
    }

    int u8(String what) throws IOException {
      need(1, what);
      return buffer.get() & 0xff;
    }

    int i32(String what) throws IOException {
      need(4, what);
      return buffer.getInt();
    }

    long u32(String what) throws IOException {
      return i32(what) & 0xffffffffL;
    }

    long i64(String what) throws IOException {
      need(8, what);
      return buffer.getLong();
    }

    /** An unsigned 64-bit count or length, which must fit what is left of the file. */
    long count(String what, long minimumBytesEach) throws IOException {
      long at = offset();
      long n = i64(what);
      long left = size - offset();
      if (n < 0 || (minimumBytesEach > 0 && n > left / minimumBytesEach)) {
        throw error(at, what + " " + Long.toUnsignedString(n) + " is more than the " + left
            + " bytes left in the file can hold (a truncated file?)");
      }
      return n;
    }

    String string(String what) throws IOException {
      long at = offset();
      long length = count("the length of " + what, 1);
      if (length > Integer.MAX_VALUE - 8) {
        throw error(at, "the length of " + what + " is " + length + " bytes, more than a string holds");
      }
      byte[] bytes = new byte[(int) length];
      int done = 0;
      while (done < bytes.length) {
        int chunk = Math.min(bytes.length - done, buffer.capacity());
        need(chunk, what);
        buffer.get(bytes, done, chunk);
        done += chunk;
      }
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        throw error(at, what + ": expected UTF-8 text");
      }
    }

    /** Reads one value of GGUF value type {@code type}. */
    Object value(int type, String what) throws IOException {
      return switch (type) {
        case 0 -> (long) u8(what);
        case 1 -> { need(1, what); yield (long) buffer.get(); }
        case 2 -> { need(2, what); yield (long) (buffer.getShort() & 0xffff); }
        case 3 -> { need(2, what); yield (long) buffer.getShort(); }
        case 4 -> u32(what);
        case 5 -> (long) i32(what);
        // A float32 is kept as the shortest decimal that reads back to it (1e-5, not 9.99999974e-6).
        case 6 -> { need(4, what); yield Double.parseDouble(Float.toString(buffer.getFloat())); }
        case 7 -> {
          long at = offset();
          int b = u8(what);
          if (b > 1) {
            throw error(at, what + ": expected a bool (0 or 1), found " + b);
          }
          yield b == 1;
        }
        case 8 -> string(what);
        case 9 -> array(what);
        case 10, 11 -> i64(what);
        case 12 -> { need(8, what); yield buffer.getDouble(); }
        default -> throw new IllegalStateException("value type checked before: " + type);
      };
    }

    private int valueType(String what) throws IOException {
      long at = offset();
      long type = u32("the value type of " + what);
      if (type > 12) {
        throw error(at, what + ": unknown value type " + type + " (expected 0..12: integers, floats, bool, string,"
            + " array)");
      }
      return (int) type;
    }

    private static int minimumBytes(int type) {
      return switch (type) {
        case 0, 1, 7 -> 1;
        case 2, 3 -> 2;
        case 4, 5, 6 -> 4;
        case 8, 10, 11, 12 -> 8;
        default -> 12; // an array: its element type and count
      };
    }

    List<Object> array(String what) throws IOException {
      int elementType = valueType("the elements of " + what);
      long n = count("the length of " + what, minimumBytes(elementType));
      List<Object> values = new ArrayList<>((int) Math.min(n, 1 << 20));
      for (long i = 0; i < n; i++) {
        values.add(value(elementType, what + "[" + i + "]"));
      }
      return values;
    }

    GgufFile readFile() throws IOException {
      need(4, "the magic number");
      int magic = buffer.getInt();
      if (magic != MAGIC) {
        throw error(0, "not a GGUF file (expected the magic bytes \"GGUF\", found " + hex(magic) + ")");
      }
      long version = u32("the version");
      if (version != 2 && version != 3) {
        throw error(4, "GGUF version " + version + " is not supported (expected 2 or 3)");
      }
      long tensorCount = count("the tensor count", 24);
      long kvCount = count("the metadata count", 13);

      Map<String, Object> metadata = new LinkedHashMap<>();
      for (long i = 0; i < kvCount; i++) {
        long at = offset();
        String key = string("metadata key " + i);
        if (key.isEmpty()) {
          throw error(at, "metadata key " + i + ": empty (expected a name such as general.architecture)");
        }
        if (metadata.containsKey(key)) {
          throw error(at, "metadata key " + key + " appears twice");
        }
        int type = valueType("metadata " + key);
        metadata.put(key, value(type, "metadata " + key));
      }

      long alignment = DEFAULT_ALIGNMENT;
      Object declared = metadata.get("general.alignment");
      if (declared != null) {
        if (!(declared instanceof Long a) || a <= 0 || Long.bitCount(a) != 1) {
          throw new BadInputException(file + ": metadata general.alignment: expected a power of two, found "
              + describe(declared));
        }
        alignment = a;
      }

      List<TensorInfo> infos = new ArrayList<>();
      List<Long> relativeOffsets = new ArrayList<>();
      List<Long> infoOffsets = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (long i = 0; i < tensorCount; i++) {
        long at = offset();
        String name = string("the name of tensor " + i);
        if (!names.add(name)) {
          throw error(at, "tensor " + name + " appears twice");
        }
        long dimsAt = offset();
        long nDims = u32("the dimension count of tensor " + name);
        if (nDims < 1 || nDims > MAX_DIMS) {
          throw error(dimsAt, "tensor " + name + ": " + nDims + " dimensions (expected 1 to " + MAX_DIMS + ")");
        }
        long[] dims = new long[(int) nDims];
        long count = 1;
        for (int d = 0; d < nDims; d++) {
          long dimAt = offset();
          dims[d] = i64("dimension " + d + " of tensor " + name);
          if (dims[d] <= 0 || dims[d] > (Long.MAX_VALUE / 2) / count) {
            throw error(dimAt, "tensor " + name + ": dimension " + d + " is " + Long.toUnsignedString(dims[d])
                + " (expected a positive size)");
          }
          count *= dims[d];
        }
        long typeAt = offset();
        long typeId = u32("the type of tensor " + name);
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
          throw error(typeAt, "tensor " + name + ": unknown tensor type " + typeId + " (expected a ggml type such as"
              + " 0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 12 Q4_K, 14 Q6_K, 30 BF16)");
        }
        if (dims[0] % type.blockSize() != 0) {
          throw error(typeAt, "tensor " + name + ": a row of " + dims[0] + " values is not a whole number of "
              + type + " blocks of " + type.blockSize());
        }
        long offsetAt = offset();
        long relative = i64("the data offset of tensor " + name);
        if (relative < 0 || relative % alignment != 0) {
          throw error(offsetAt, "tensor " + name + ": data offset " + Long.toUnsignedString(relative)
              + " is not a multiple of the alignment " + alignment);
        }
        infos.add(new TensorInfo(name, dims, type, 0));
        relativeOffsets.add(relative);
        infoOffsets.add(offsetAt);
      }

      long dataOffset = (offset() + alignment - 1) / alignment * alignment;
      List<TensorInfo> tensors = new ArrayList<>();
      for (int i = 0; i < infos.size(); i++) {
        TensorInfo t = infos.get(i);
        long start = dataOffset + relativeOffsets.get(i);
        TensorInfo placed = new TensorInfo(t.name(), t.dims(), t.type(), start);
        long end = start + placed.byteSize();
        if (end > size) {
          throw error(infoOffsets.get(i), "tensor " + t.name() + ": its data [" + start + ", " + end + ") runs past"
              + " the end of the file at " + size + " (a truncated file?)");
        }
        tensors.add(placed);
      }
      List<TensorInfo> byOffset = new ArrayList<>(tensors);
      byOffset.sort(Comparator.comparingLong(TensorInfo::offset));
      for (int i = 1; i < byOffset.size(); i++) {
        TensorInfo before = byOffset.get(i - 1);
        TensorInfo t = byOffset.get(i);
        if (before.offset() + before.byteSize() > t.offset()) {
          throw new BadInputException(file + ": offset " + t.offset() + ": tensor " + t.name()
              + " overlaps the data of tensor " + before.name());
        }
      }
      return new GgufFile(file, (int) version, metadata, tensors, alignment, dataOffset);
    }

    private static String hex(int littleEndian) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 4; i++) {
        int b = (littleEndian >>> (8 * i)) & 0xff;
        s.append(i == 0 ? "" : " ").append(String.format("%02X", b));
      }
      return s.toString();
    }
  }
}
