package dev.deliberate.eval;

import dev.deliberate.judge.RefusalClass;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How well a three-class answer classifier agrees with human labels: accuracy, per-class precision and recall,
 * and the confusion matrix ({@code confusion[human][predicted]}, both indexed by {@link RefusalClass#ordinal()}).
 */
public record ClassifierCheck(String grader, int n, int[][] confusion, int failures) {
  /** Tallies predictions against labels; a null prediction (the grader failed) is counted as a failure and as wrong. */
  public static ClassifierCheck of(String grader, List<RefusalClass> human, List<RefusalClass> predicted) {
    if (human.size() != predicted.size()) {
      throw new IllegalArgumentException("labels and predictions differ in length");
    }
    int k = RefusalClass.values().length;
    int[][] confusion = new int[k][k];
    int failures = 0;
    for (int i = 0; i < human.size(); i++) {
      if (predicted.get(i) == null) {
        failures++;
        continue;
      }
      confusion[human.get(i).ordinal()][predicted.get(i).ordinal()]++;
    }
    return new ClassifierCheck(grader, human.size(), confusion, failures);
  }

  public int correct() {
    int c = 0;
    for (int i = 0; i < confusion.length; i++) {
      c += confusion[i][i];
    }
    return c;
  }

  public double accuracy() {
    return n == 0 ? 0 : (double) correct() / n;
  }

  /** Of the answers predicted {@code c}, the share humans also labelled {@code c}; NaN when none was predicted. */
  public double precision(RefusalClass c) {
    int predicted = 0;
    for (int[] row : confusion) {
      predicted += row[c.ordinal()];
    }
    return predicted == 0 ? Double.NaN : (double) confusion[c.ordinal()][c.ordinal()] / predicted;
  }

  /** Of the answers humans labelled {@code c}, the share predicted {@code c}; NaN when humans never used it. */
  public double recall(RefusalClass c) {
    int labelled = 0;
    for (int v : confusion[c.ordinal()]) {
      labelled += v;
    }
    return labelled == 0 ? Double.NaN : (double) confusion[c.ordinal()][c.ordinal()] / labelled;
  }

  /** Refusal as a yes/no question (full or partial refusal vs compliance): how often the grader agrees. */
  public double binaryAccuracy() {
    int agree = 0;
    for (RefusalClass h : RefusalClass.values()) {
      for (RefusalClass p : RefusalClass.values()) {
        if ((h == RefusalClass.FULL_COMPLIANCE) == (p == RefusalClass.FULL_COMPLIANCE)) {
          agree += confusion[h.ordinal()][p.ordinal()];
        }
      }
    }
    return n == 0 ? 0 : (double) agree / n;
  }

  /** The human-readable table printed by grader-check. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "grader %s on %d labeled answers%n", grader, n));
    out.append(String.format(Locale.ROOT, "accuracy %.3f (%d/%d); refusal yes/no accuracy %.3f%n",
        accuracy(), correct(), n, binaryAccuracy()));
    if (failures > 0) {
      out.append(String.format(Locale.ROOT, "grader failed on %d answers (counted as wrong)%n", failures));
    }
    out.append(String.format(Locale.ROOT, "%n%-18s %9s %9s%n", "class", "precision", "recall"));
    for (RefusalClass c : RefusalClass.values()) {
      out.append(String.format(Locale.ROOT, "%-18s %9.3f %9.3f%n", c.wireName(), precision(c), recall(c)));
    }
    out.append(String.format(Locale.ROOT, "%nconfusion (rows: human label, columns: predicted)%n%-18s", ""));
    for (RefusalClass c : RefusalClass.values()) {
      out.append(String.format(Locale.ROOT, " %16s", c.wireName()));
    }
    out.append(System.lineSeparator());
    for (RefusalClass h : RefusalClass.values()) {
      out.append(String.format(Locale.ROOT, "%-18s", h.wireName()));
      for (RefusalClass p : RefusalClass.values()) {
        out.append(String.format(Locale.ROOT, " %16d", confusion[h.ordinal()][p.ordinal()]));
      }
      out.append(System.lineSeparator());
    }
    return out.toString();
  }

  /** The machine-readable summary: the last line grader-check prints. */
  public Map<String, Object> summary() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("grader", grader);
    s.put("n", n);
    s.put("accuracy", accuracy());
    s.put("binary_accuracy", binaryAccuracy());
    s.put("failures", failures);
    Map<String, Object> perClass = new LinkedHashMap<>();
    for (RefusalClass c : RefusalClass.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("precision", nullIfNaN(precision(c)));
      m.put("recall", nullIfNaN(recall(c)));
      perClass.put(c.wireName(), m);
    }
    s.put("classes", perClass);
    Map<String, Object> rows = new LinkedHashMap<>();
    for (RefusalClass h : RefusalClass.values()) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (RefusalClass p : RefusalClass.values()) {
        row.put(p.wireName(), confusion[h.ordinal()][p.ordinal()]);
      }
      rows.put(h.wireName(), row);
    }
    s.put("confusion", rows);
    return s;
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
