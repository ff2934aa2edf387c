package dev.deliberate.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deliberate.BadInputException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** decode(encode(x)) == x for every encoding and any text; disemvowelling is lossy and is checked apart. */
class EncodingsTest {

  @Property
  void base64RoundTripsAnyUnicodeText(@ForAll("unicode") String text) {
    assertEquals(text, Encodings.fromBase64(Encodings.base64(text)));
  }

  @Property
  void hexRoundTripsAnyUnicodeText(@ForAll("unicode") String text) {
    assertEquals(text, Encodings.fromHex(Encodings.hex(text)));
  }

  @Property
  void reversingTwiceGivesBackAnyUnicodeText(@ForAll("unicode") String text) {
    assertEquals(text, Encodings.reverse(Encodings.reverse(text)));
  }

  @Property
  void rot13RoundTripsAnyUnicodeText(@ForAll("unicode") String text) {
    assertEquals(text, Encodings.rot13(Encodings.rot13(text)));
  }

  @Property
  void leetRoundTripsAnyUnicodeText(@ForAll("unicode") String text) {
    assertEquals(text, Encodings.fromLeet(Encodings.leet(text)));
  }

  /** ROT13 and leetspeak touch only ASCII, so even Java strings that are not valid Unicode survive. */
  @Property
  void rot13AndLeetRoundTripEvenLoneSurrogates(@ForAll String anyJavaString) {
    assertEquals(anyJavaString, Encodings.rot13(Encodings.rot13(anyJavaString)));
    assertEquals(anyJavaString, Encodings.fromLeet(Encodings.leet(anyJavaString)));
  }

  @Property
  void disemvowelKeepsEveryOtherCharacterInOrder(@ForAll("unicode") String text) {
    assertEquals(text.replaceAll("[aeiouAEIOU]", ""), Encodings.disemvowel(text));
  }

  @Example
  void base64IsStandardBase64OfTheUtf8Bytes() {
    assertEquals("aGVsbG8=", Encodings.base64("hello"));
    assertEquals("w6k=", Encodings.base64("é"));
  }

  @Example
  void hexIsLowerCaseHexOfTheUtf8Bytes() {
    assertEquals("68656c6c6f", Encodings.hex("hello"));
    assertEquals("c3a9", Encodings.hex("é"));
    assertEquals("", Encodings.hex(""));
  }

  @Example
  void reversingKeepsASurrogatePairTogether() {
    assertEquals("\uD83D\uDE00ba", Encodings.reverse("ab\uD83D\uDE00"));
  }

  @Example
  void decodingTextThatIsNotHexIsBadInput() {
    BadInputException e = assertThrows(BadInputException.class, () -> Encodings.fromHex("abc"));
    assertEquals(true, e.getMessage().startsWith("not hexadecimal"));
  }

  @Example
  void rot13MovesOnlyAsciiLetters() {
    assertEquals("Uryyb, Jbeyq! 123 é", Encodings.rot13("Hello, World! 123 é"));
  }

  @Example
  void leetSwapsLettersWithLookAlikeDigitsBothWays() {
    assertEquals("l3375p34k", Encodings.leet("leetspeak"));
    assertEquals("Tw0 c475 4nd e d0g5", Encodings.leet("Two cats and 3 dogs"));
  }

  @Example
  void disemvowelDropsAsciiVowelsOnly() {
    assertEquals("Hw d tds wrk? é", Encodings.disemvowel("How do tides work? é"));
  }

  @Example
  void decodingTextThatIsNotBase64IsBadInputNamingTheProblem() {
    BadInputException e = assertThrows(BadInputException.class, () -> Encodings.fromBase64("not base64!"));
    assertEquals(true, e.getMessage().startsWith("not base64"));
  }

  /** Well-formed Unicode: code points from every plane (no lone surrogates), with ASCII letters and digits common. */
  @Provide
  Arbitrary<String> unicode() {
    Arbitrary<Integer> ascii = Arbitraries.integers().between(0x20, 0x7e);
    Arbitrary<Integer> any = Arbitraries.integers().between(0, 0x10FFFF)
        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, ascii), net.jqwik.api.Tuple.of(1, any))
        .list().ofMaxSize(60)
        .map(EncodingsTest::fromCodePoints);
  }

  static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder();
    codePoints.forEach(text::appendCodePoint);
    return text.toString();
  }
}
