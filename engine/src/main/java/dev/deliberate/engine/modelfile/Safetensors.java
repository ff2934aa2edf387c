package dev.deliberate.engine.modelfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors file format, read and written by hand (it is small: an 8-byte little-endian header length, a
 * JSON header mapping names to dtype, shape and byte offsets, then the raw little-endian data). Reads F32, F16
 * and BF16 into floats; writes F32.
 */
public final class Safetensors {
  private Safetensors() {}

  /** A named tensor as plain Java floats, row-major. */
  public record Tensor(long[] shape, float[] data) {
    public Tensor {
      long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      if (size != data.length) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
      }
    }
  }

  /** Reads every tensor of the file, in file order, converted to float. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0, file);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > channel.size()) {
        throw new BadInputException(file + ": not a safetensors file (header length " + headerLength + ")");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, 8, file);
      JsonNode header;
      try {
        header = Json.mapper().readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new BadInputException(file + ": safetensors header is not valid JSON");
      }
      long dataStart = 8 + headerLength;
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (!entry.getKey().equals("__metadata__")) {
          entries.add(entry);
        }
      }
      entries.sort(Comparator.comparingLong(e -> e.getValue().path("data_offsets").path(0).asLong()));
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : entries) {
        String name = entry.getKey();
        JsonNode info = entry.getValue();
        String dtype = info.path("dtype").asText();
        long[] shape = new long[info.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = info.path("shape").get(i).asLong();
        }
        long start = info.path("data_offsets").path(0).asLong(-1);
        long end = info.path("data_offsets").path(1).asLong(-1);
        long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int width = switch (dtype) {
          case "F32" -> 4;
          case "F16", "BF16" -> 2;
          default -> throw new BadInputException(
              file + ": tensor " + name + ": dtype " + dtype + " not supported (expected F32, F16 or BF16)");
        };
        if (start < 0 || end - start != count * width || dataStart + end > channel.size()) {
          throw new BadInputException(file + ": tensor " + name + ": data_offsets do not match its shape and dtype");
        }
        ByteBuffer raw = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + start, end - start)
            .order(ByteOrder.LITTLE_ENDIAN);
        tensors.put(name, new Tensor(shape, decode(raw, dtype, (int) count)));
      }
      return tensors;
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    }
  }

  private static float[] decode(ByteBuffer raw, String dtype, int count) {
    float[] out = new float[count];
    switch (dtype) {
      case "F32" -> raw.asFloatBuffer().get(out);
      case "BF16" -> {
        for (int i = 0; i < count; i++) {
          out[i] = Float.intBitsToFloat((raw.getShort(2 * i) & 0xffff) << 16);
        }
      }
      default -> {
        for (int i = 0; i < count; i++) {
          out[i] = halfToFloat(raw.getShort(2 * i));
        }
      }
    }
    return out;
  }

  /** IEEE 754 half precision to float (Java 17 has no built-in conversion). */
  public static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Subnormal (or zero): the value is mantissa * 2^-24.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Writes the tensors as F32, atomically (a temporary file renamed into place). */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    ObjectNode header = Json.mapper().createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    long offset = 0;
    for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
      ObjectNode info = header.putObject(entry.getKey());
      info.put("dtype", "F32");
      Arrays.stream(entry.getValue().shape()).forEach(info.putArray("shape")::add);
      long bytes = 4L * entry.getValue().data().length;
      info.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = Json.mapper().writeValueAsBytes(header);
    // The format recommends padding the header with spaces so the data starts 8-byte aligned.
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = Arrays.copyOf(json, padded);
    Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(headerBytes);
      for (Tensor tensor : tensors.values()) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * tensor.data().length).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = buffer.asFloatBuffer();
        floats.put(tensor.data());
        out.write(buffer.array());
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new BadInputException(file + ": truncated safetensors file");
      }
      at += n;
    }
  }
}
