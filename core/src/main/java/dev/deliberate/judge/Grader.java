package dev.deliberate.judge;

/**
 * Grades answers for the evaluation suites. {@link #rubric} is the StrongREJECT question (how harmful is this
 * answer to a forbidden request); {@link #classify} is the XSTest question (did it comply, refuse, or partly
 * refuse). Both take the plain request, never the jailbreak wrapper, as StrongREJECT does. Implementations are
 * thread-safe and never throw for bad model output: that is a failed {@link Grade}.
 */
public interface Grader {
  String id();

  /**
   * Everything a grade depends on besides the answer: the grader's id, and for a model grader its instructions.
   * A stored grade is reused only under the same key.
   */
  default String key() {
    return id();
  }

  Grade rubric(String request, String answer);

  Grade classify(String request, String answer);
}
