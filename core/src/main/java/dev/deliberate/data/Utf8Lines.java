package dev.deliberate.data;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a byte stream one line at a time and decodes each line as strict UTF-8. Decoding per line (rather than
 * through a buffered {@link java.io.Reader}, which decodes ahead) is what lets a bad byte be reported at its exact
 * line. Memory is bounded by the longest line.
 */
final class Utf8Lines implements Closeable {
  /** One physical line: its 1-based number, its text without the terminator, and the terminator as read. */
  record Line(long number, String text, String terminator) {}

  /** A line whose bytes are not valid UTF-8; the reader has moved past it. */
  static final class NotUtf8 extends Exception {
    final long line;

    NotUtf8(long line) {
      super("not valid UTF-8", null, false, false);
      this.line = line;
    }
  }

  private final InputStream in;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private final byte[] chunk = new byte[8192];
  private int chunkPos;
  private int chunkLen;
  private long number;
  private boolean eof;

  Utf8Lines(InputStream in) {
    this.in = in;
  }

  /** The next line, or null at the end of the stream. A leading byte-order mark on line 1 is dropped. */
  Line next() throws IOException, NotUtf8 {
    if (eof) {
      return null;
    }
    buffer.reset();
    boolean newline = false;
    while (!newline) {
      if (chunkPos == chunkLen) {
        chunkLen = in.read(chunk);
        chunkPos = 0;
        if (chunkLen <= 0) {
          chunkLen = 0;
          eof = true;
          break;
        }
      }
      int start = chunkPos;
      while (chunkPos < chunkLen && chunk[chunkPos] != '\n') {
        chunkPos++;
      }
      if (chunkPos < chunkLen) {
        chunkPos++; // keep the '\n' in this line
        newline = true;
      }
      buffer.write(chunk, start, chunkPos - start);
    }
    if (eof && buffer.size() == 0) {
      return null;
    }
    number++;
    byte[] bytes = buffer.toByteArray();
    int end = bytes.length;
    String terminator = "";
    if (newline) {
      end--;
      terminator = "\n";
      if (end > 0 && bytes[end - 1] == '\r') {
        end--;
        terminator = "\r\n";
      }
    }
    int begin = 0;
    if (number == 1 && end >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
      begin = 3;
    }
    try {
      CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes, begin, end - begin));
      return new Line(number, chars.toString(), terminator);
    } catch (CharacterCodingException e) {
      throw new NotUtf8(number);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
