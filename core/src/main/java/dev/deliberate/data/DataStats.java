package dev.deliberate.data;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of a prompt set by category, expected behaviour, attack and source; built one record at a time so any
 * file size works. A missing value counts under {@value #NONE}.
 */
public final class DataStats {
  public static final String NONE = "(none)";

  private long total;
  private final Map<String, Long> byCategory = new TreeMap<>();
  private final Map<String, Long> byExpected = new TreeMap<>();
  private final Map<String, Long> byAttack = new TreeMap<>();
  private final Map<String, Long> bySource = new TreeMap<>();

  public static DataStats of(Iterable<Prompt> prompts) {
    DataStats stats = new DataStats();
    prompts.forEach(stats::add);
    return stats;
  }

  public void add(Prompt prompt) {
    total++;
    count(byCategory, prompt.category());
    count(byExpected, prompt.expected() == null ? null : prompt.expected().wireName());
    count(byAttack, prompt.attack());
    count(bySource, prompt.source());
  }

  private static void count(Map<String, Long> counts, String value) {
    counts.merge(value == null ? NONE : value, 1L, Long::sum);
  }

  public long total() {
    return total;
  }

  /** Sorted by key, as are the other maps. */
  public Map<String, Long> byCategory() {
    return new TreeMap<>(byCategory);
  }

  public Map<String, Long> byExpected() {
    return new TreeMap<>(byExpected);
  }

  public Map<String, Long> byAttack() {
    return new TreeMap<>(byAttack);
  }

  public Map<String, Long> bySource() {
    return new TreeMap<>(bySource);
  }

  /** A plain-text report: the total, then one block per dimension with one {@code name  count} line each. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("prompts: ").append(total).append('\n');
    block(out, "category", byCategory);
    block(out, "expected", byExpected);
    block(out, "attack", byAttack);
    block(out, "source", bySource);
    return out.toString();
  }

  private static void block(StringBuilder out, String title, Map<String, Long> counts) {
    out.append('\n').append("by ").append(title).append(":\n");
    int width = counts.keySet().stream().mapToInt(String::length).max().orElse(0);
    counts.forEach((key, count) -> out.append("  ").append(key).append(" ".repeat(width - key.length() + 2)).append(count).append('\n'));
  }
}
