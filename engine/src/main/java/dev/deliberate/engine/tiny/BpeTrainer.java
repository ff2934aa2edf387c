package dev.deliberate.engine.tiny;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.engine.modelfile.TokenizerFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE tokenizer (the GPT-2 scheme: text is split into words by a regular expression, each
 * word's UTF-8 bytes become printable characters, and the most frequent adjacent pair is merged until the
 * vocabulary is full) and writes it as a Hugging Face {@code tokenizer.json}. Ids: the special tokens first, then
 * the 256 bytes, then one id per merge. Deterministic: ties go to the pair first seen in the corpus.
 */
public final class BpeTrainer {
  /** The GPT-2 word-splitting expression, which Hugging Face's ByteLevel pre-tokenizer also applies. */
  static final Pattern WORDS =
      Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private BpeTrainer() {}

  /** A special token and whether decoding may skip it. */
  public record Special(String content, boolean special) {}

  /**
   * Learns merges from the corpus and returns the {@code tokenizer.json} content.
   *
   * @param corpus texts; occurrences of the special tokens in them are not split into bytes
   * @param vocabSize total vocabulary, special tokens and the 256 bytes included
   */
  public static ObjectNode train(List<String> corpus, int vocabSize, List<Special> specials) {
    if (vocabSize < specials.size() + 256) {
      throw new IllegalArgumentException("vocab size " + vocabSize + " cannot hold the 256 bytes and the special tokens");
    }
    String[] byteChars = byteToUnicode();
    List<String> symbols = new ArrayList<>();
    specials.forEach(s -> symbols.add(s.content()));
    for (int b = 0; b < 256; b++) {
      symbols.add(byteChars[b]);
    }
    // Word frequencies, each word as symbol ids; LinkedHashMap keeps first-seen order for deterministic ties.
    Map<String, Integer> wordCounts = new LinkedHashMap<>();
    Pattern specialSplit = specialPattern(specials);
    for (String text : corpus) {
      for (String piece : specialSplit == null ? new String[] {text} : specialSplit.split(text)) {
        Matcher m = WORDS.matcher(piece);
        while (m.find()) {
          wordCounts.merge(m.group(), 1, Integer::sum);
        }
      }
    }
    List<int[]> words = new ArrayList<>();
    int[] counts = new int[wordCounts.size()];
    int w = 0;
    for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
      byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
      int[] ids = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        ids[i] = specials.size() + (bytes[i] & 0xff);
      }
      words.add(ids);
      counts[w++] = e.getValue();
    }
    List<String> merges = new ArrayList<>();
    while (symbols.size() < vocabSize) {
      Map<Long, Long> pairCounts = new LinkedHashMap<>();
      for (int i = 0; i < words.size(); i++) {
        int[] ids = words.get(i);
        for (int j = 0; j + 1 < ids.length; j++) {
          pairCounts.merge(((long) ids[j] << 32) | ids[j + 1], (long) counts[i], Long::sum);
        }
      }
      long bestPair = -1;
      long bestCount = 1;
      for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
        if (e.getValue() > bestCount) {
          bestCount = e.getValue();
          bestPair = e.getKey();
        }
      }
      if (bestPair < 0) {
        break;
      }
      int left = (int) (bestPair >>> 32);
      int right = (int) bestPair;
      int merged = symbols.size();
      symbols.add(symbols.get(left) + symbols.get(right));
      merges.add(symbols.get(left) + " " + symbols.get(right));
      for (int i = 0; i < words.size(); i++) {
        words.set(i, applyMerge(words.get(i), left, right, merged));
      }
    }
    return tokenizerJson(symbols, merges, specials);
  }

  private static int[] applyMerge(int[] ids, int left, int right, int merged) {
    int n = 0;
    int[] out = null;
    for (int j = 0; j < ids.length; j++) {
      if (j + 1 < ids.length && ids[j] == left && ids[j + 1] == right) {
        if (out == null) {
          out = new int[ids.length - 1];
          System.arraycopy(ids, 0, out, 0, j);
          n = j;
        }
        out[n++] = merged;
        j++;
      } else if (out != null) {
        out[n++] = ids[j];
      }
    }
    return out == null ? ids : java.util.Arrays.copyOf(out, n);
  }

  private static Pattern specialPattern(List<Special> specials) {
    if (specials.isEmpty()) {
      return null;
    }
    return Pattern.compile(String.join("|", specials.stream().map(s -> Pattern.quote(s.content())).toList()));
  }

  private static ObjectNode tokenizerJson(List<String> symbols, List<String> merges, List<Special> specials) {
    List<TokenizerFiles.AddedToken> added = new ArrayList<>();
    for (int i = 0; i < specials.size(); i++) {
      added.add(new TokenizerFiles.AddedToken(i, specials.get(i).content(), specials.get(i).special()));
    }
    return TokenizerFiles.byteLevelBpe(added, TokenizerFiles.byteLevel(true), symbols, merges, null);
  }

  /**
   * GPT-2's reversible map from bytes to printable characters: printable Latin-1 bytes stand for themselves,
   * the others are shifted to code points from 256 up, in byte order.
   */
  static String[] byteToUnicode() {
    String[] map = new String[256];
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      map[b] = new String(Character.toChars(printable ? b : next++));
    }
    return map;
  }
}
