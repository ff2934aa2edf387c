package dev.deliberate.generate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain-text checks shared by generation, the judges and the exporters: which anchors a text cites, whether a
 * reply leaks the analysis behind it, and sentence splitting for the "no spec text in the export" check.
 */
public final class TextChecks {
  /** A citation: a hash sign and a lowercase anchor, e.g. {@code #violence-disallowed}. */
  private static final Pattern CITATION = Pattern.compile("(?<![\\w&])#([a-z][a-z0-9]*(?:-[a-z0-9]+)*)");

  /** Anchor shapes the spec format uses for sub-sections and styles, recognised even for unknown anchors. */
  private static final Pattern ANCHOR_SHAPE = Pattern.compile(".+-(disallowed|allowed|edge-cases)|style-.+");

  /**
   * Phrases by which a reply talks about the spec or the decision instead of answering. They are specific on
   * purpose: a reply that happens to contain the word "policy" (a refund policy, say) is not a leak.
   */
  private static final List<String> LEAK_PHRASES = List.of(
      "the spec ", "the spec.", "the spec,", "the spec'", "safety spec", "the specification says",
      "the policy says", "according to the policy", "according to my policy", "my guidelines say",
      "per the guidelines", "per the spec", "the spec says", "section says", "the rules say",
      "my decision", "decision: ", "style: refuse", "style: comply", "style: safe-complete",
      "i should refuse", "i will refuse because", "i must refuse because", "i need to refuse",
      "final answer:", "chain of thought", "my reasoning");

  private TextChecks() {}

  /** Every anchor the text cites with a hash sign, in order of first appearance. */
  public static Set<String> citedAnchors(String text) {
    Set<String> anchors = new LinkedHashSet<>();
    Matcher m = CITATION.matcher(text);
    while (m.find()) {
      anchors.add(m.group(1));
    }
    return anchors;
  }

  /**
   * Why a reply shows the analysis behind it, or empty when it does not: it cites an anchor (a known one, or one
   * shaped like a spec sub-section) or uses one of the phrases that talk about the spec or the decision.
   */
  public static Optional<String> analysisLeak(String answer, Set<String> knownAnchors) {
    for (String anchor : citedAnchors(answer)) {
      if (knownAnchors.contains(anchor) || ANCHOR_SHAPE.matcher(anchor).matches()) {
        return Optional.of("cites #" + anchor);
      }
    }
    String lower = answer.toLowerCase(Locale.ROOT);
    for (String phrase : LEAK_PHRASES) {
      if (lower.contains(phrase)) {
        return Optional.of("says \"" + phrase.strip() + "\"");
      }
    }
    return Optional.empty();
  }

  /**
   * The sentences of a text with at least {@code minWords} words, normalised (see {@link #normalise}); Markdown
   * headings, list markers and anchors are dropped first so that what remains is prose.
   */
  public static List<String> sentences(String text, int minWords) {
    String prose = text.replaceAll("\\{#[^}]*}", " ").replaceAll("(?m)^\\s*(#+|[-*]|\\d+\\.)\\s+", " ");
    List<String> out = new ArrayList<>();
    for (String part : prose.split("(?<=[.!?:;])\\s+|\\n\\s*\\n")) {
      String normal = normalise(part);
      if (!normal.isEmpty() && normal.split(" ").length >= minWords) {
        out.add(normal);
      }
    }
    return out;
  }

  /** Sentences of at least six words: long enough that finding one in another text is not a coincidence. */
  public static List<String> sentences(String text) {
    return sentences(text, 6);
  }

  private static final Pattern SENTENCE_END = Pattern.compile("(?:(?<!\\d)\\.|[!?])[\"')\\]]*(?=\\s)|\\n");

  /**
   * A text cut off mid-sentence, up to the end of its last complete sentence (a '.', '!' or '?' before white
   * space, or a line break; a '.' after a digit is a list number, not an end), or empty when it has none.
   */
  public static String completeSentences(String text) {
    Matcher end = SENTENCE_END.matcher(text);
    int cut = 0;
    while (end.find()) {
      cut = end.end();
    }
    return text.substring(0, cut).strip();
  }

  /** Lowercase letters and digits separated by single spaces: for dedup and containment checks. */
  public static String normalise(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
  }

  /** Number of whitespace-separated words. */
  public static int words(String text) {
    String s = text.strip();
    return s.isEmpty() ? 0 : s.split("\\s+").length;
  }
}
