package dev.deliberate.attack;

import dev.deliberate.BadInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The reversible encodings the encoding attacks use. For each one, {@code decode(encode(x)).equals(x)} for every
 * string, Unicode included (checked by property tests). {@link #disemvowel} is the exception, kept here beside its
 * kin: it drops letters, so it is an obfuscation rather than an encoding, has no decode, and is left out of the
 * round-trip property.
 */
public final class Encodings {
  private Encodings() {}

  /** Standard base64 (RFC 4648, with padding) of the UTF-8 bytes. */
  public static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The text whose UTF-8 bytes {@code encoded} holds; throws {@link BadInputException} when it is not base64. */
  public static String fromBase64(String encoded) {
    try {
      return new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("not base64: " + e.getMessage());
    }
  }

  /** Lower-case hexadecimal of the UTF-8 bytes, two digits a byte, no separators. */
  public static String hex(String text) {
    return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The text whose UTF-8 bytes {@code encoded} holds; throws {@link BadInputException} when it is not hex. */
  public static String fromHex(String encoded) {
    try {
      return new String(HexFormat.of().parseHex(encoded.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("not hexadecimal: " + e.getMessage());
    }
  }

  /**
   * The text backwards, code point by code point (a surrogate pair stays one character), so that it reads right to
   * left. Its own inverse for well-formed Unicode.
   */
  public static String reverse(String text) {
    return new StringBuilder(text).reverse().toString();
  }

  /** Rotates ASCII letters by 13 places; every other character is kept. Its own inverse. */
  public static String rot13(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('a' + (c - 'a' + 13) % 26);
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('A' + (c - 'A' + 13) % 26);
      }
      out.append(c);
    }
    return out.toString();
  }

  // Leetspeak swaps each lower-case letter with the digit that looks like it, and that digit with the letter.
  // A swap is its own inverse, so digits already in the text survive the round trip without any escaping.
  private static final String LEET_LETTERS = "aeiost";
  private static final String LEET_DIGITS = "431057";

  /**
   * Leetspeak as a swap: {@code a↔4, e↔3, i↔1, o↔0, s↔5, t↔7}; upper-case letters and everything else are kept.
   * Because it swaps (digits in the text become letters), it is its own inverse.
   */
  public static String leet(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int letter = LEET_LETTERS.indexOf(c);
      int digit = LEET_DIGITS.indexOf(c);
      if (letter >= 0) {
        c = LEET_DIGITS.charAt(letter);
      } else if (digit >= 0) {
        c = LEET_LETTERS.charAt(digit);
      }
      out.append(c);
    }
    return out.toString();
  }

  /** The inverse of {@link #leet}: the same swap. */
  public static String fromLeet(String encoded) {
    return leet(encoded);
  }

  /** The text without its ASCII vowels ({@code aeiouAEIOU}). Lossy: there is no way back, by design. */
  public static String disemvowel(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("aeiouAEIOU".indexOf(c) < 0) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
