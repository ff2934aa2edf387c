package dev.deliberate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReasoningStreamTest {
  /** What a client sees: every delta, in order, fed the text one piece longer each time. */
  private record Streamed(List<ReasoningStream.Delta> deltas, ReasoningStream stream) {
    String reasoning() {
      return String.join("", deltas.stream().map(ReasoningStream.Delta::reasoning).toList());
    }

    String content() {
      return String.join("", deltas.stream().map(ReasoningStream.Delta::content).toList());
    }
  }

  private static Streamed stream(List<String> pieces) {
    ReasoningStream stream = new ReasoningStream();
    List<ReasoningStream.Delta> deltas = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (String piece : pieces) {
      text.append(piece);
      deltas.add(stream.next(text.toString()));
    }
    deltas.add(stream.finish(text.toString()));
    return new Streamed(deltas, stream);
  }

  /** Every split of {@code text} into pieces of {@code size} characters. */
  private static List<String> pieces(String text, int size) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += size) {
      out.add(text.substring(i, Math.min(text.length(), i + size)));
    }
    return out;
  }

  @Test
  void theDeltasAddUpToTheSplitOfTheWholeTextWhereverThePiecesBreak() {
    List<String> texts = List.of(
        "<think>The request is about baking.</think> Knead the dough.",
        "  <think>\n first part \n</think>\nAnswer <think> second </think> more answer  ",
        "< Think >odd spacing</ THINK >answer",
        "<thinking>a</thinking><reasoning>b</reasoning>c",
        "an answer with a < sign and <b>html</b> in it",
        "<think>cut off while thinking <",
        "<think>closed </think>then a stray </think> stays in the answer",
        "<think>an <think> inside</think>answer",
        "<think></think>empty block then answer",
        "plain text only");
    for (String text : texts) {
      ReasoningSplitter.Split whole = ReasoningSplitter.split(text);
      for (int size = 1; size <= 4; size++) {
        Streamed s = stream(pieces(text, size));
        assertEquals(whole.reasoning(), s.reasoning(), text + " in pieces of " + size);
        assertEquals(whole.answer(), s.content(), text + " in pieces of " + size);
        assertTrue(s.stream().consistent(), text);
      }
    }
  }

  @Test
  void reasoningNeverGoesOutAsContentWhenATagIsSplitAcrossPieces() {
    Streamed s = stream(List.of("Sure. <", "thi", "nk>secret", " plan</th", "ink", "> done"));
    for (ReasoningStream.Delta d : s.deltas()) {
      assertFalse(d.content().contains("secret") || d.content().contains("plan") || d.content().contains("<"), d.toString());
      assertFalse(d.reasoning().contains("Sure") || d.reasoning().contains("done") || d.reasoning().contains("<"),
          d.toString());
    }
    assertEquals("Sure.  done", s.content(), "the space before the block and the one after it, as split keeps them");
    assertEquals("secret plan", s.reasoning());
  }

  @Test
  void textThatMayStillBeATagIsHeldUntilItIsKnown() {
    ReasoningStream stream = new ReasoningStream();
    assertEquals(new ReasoningStream.Delta("", "Hi"), stream.next("Hi <th"));
    assertEquals(new ReasoningStream.Delta("", " <thx"), stream.next("Hi <thx"), "not a tag after all");
    assertEquals(new ReasoningStream.Delta("", ""), stream.next("Hi <thx <think"));
    assertEquals(new ReasoningStream.Delta("", ""), stream.next("Hi <thx <think>"));
    assertEquals(new ReasoningStream.Delta("why", ""), stream.next("Hi <thx <think>why </"));
  }

  @Test
  void eachPieceGoesOutWhenItComesAndTrailingSpaceWaitsForWhatFollows() {
    Streamed s = stream(List.of("<think>r</think>", "One", " two ", "three\n"));
    assertEquals(List.of("", "One", " two", " three", ""), s.deltas().stream().map(ReasoningStream.Delta::content).toList());
    assertEquals(List.of("r", "", "", "", ""), s.deltas().stream().map(ReasoningStream.Delta::reasoning).toList());
  }

  @Test
  void aClosingTagBeforeAnyOpeningOneIsTheOneLayoutAStreamCannotReadAhead() {
    Streamed s = stream(List.of("thought ", "</think>answer"));
    assertEquals("thought", s.deltas().get(0).content(), "sent before the closing tag came");
    assertFalse(s.stream().consistent());
  }
}
