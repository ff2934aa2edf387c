package dev.deliberate.data;

import dev.deliberate.BadInputException;
import dev.deliberate.spec.Category;
import dev.deliberate.spec.Spec;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Checks that prompt categories name categories of a spec. */
public final class SpecCheck {
  private SpecCheck() {}

  /**
   * Fails with one line when some prompts' categories are not in the spec: {@code WHAT: category 'x' (12 prompts)
   * is not a category of spec FILE; expected one of ...}.
   *
   * @param counts category → number of prompts with it (null categories are ignored)
   */
  public static void requireKnown(String what, Map<String, Long> counts, Spec spec) {
    Map<String, Long> unknown = new TreeMap<>();
    counts.forEach((anchor, n) -> {
      if (anchor != null && !anchor.equals(DataStats.NONE) && spec.findCategory(anchor).isEmpty()) {
        unknown.put(anchor, n);
      }
    });
    if (!unknown.isEmpty()) {
      String listed = unknown.entrySet().stream()
          .map(e -> "'" + e.getKey() + "' (" + e.getValue() + " prompt" + (e.getValue() == 1 ? "" : "s") + ")")
          .collect(Collectors.joining(", "));
      throw new BadInputException(what + ": categor" + (unknown.size() == 1 ? "y " : "ies ") + listed
          + " not in spec " + spec.source() + "; expected one of "
          + spec.categories().stream().map(Category::anchor).collect(Collectors.joining(", ")));
    }
  }
}
