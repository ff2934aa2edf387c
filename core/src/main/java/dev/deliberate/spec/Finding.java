package dev.deliberate.spec;

import java.nio.file.Path;

/**
 * One problem the linter found in a spec (or in something checked against a spec, such as a table mapping
 * benchmark categories to anchors). Prints as {@code FILE:LINE: error: what is wrong; expected ...}.
 *
 * @param severity {@link Severity#ERROR} makes {@code spec lint} fail; a {@link Severity#WARNING} does not
 * @param file the file the line belongs to (null when the text did not come from a file)
 * @param line the 1-based line the finding points at
 * @param message what is wrong and what was expected, in one line
 */
public record Finding(Severity severity, Path file, int line, String message) {
  public enum Severity {
    ERROR,
    WARNING;

    /** The lower-case word printed in a finding: {@code error} or {@code warning}. */
    public String label() {
      return name().toLowerCase();
    }
  }

  public Finding {
    if (severity == null || message == null) {
      throw new IllegalArgumentException("a finding needs a severity and a message");
    }
  }

  public static Finding error(Path file, int line, String message) {
    return new Finding(Severity.ERROR, file, line, message);
  }

  public static Finding warning(Path file, int line, String message) {
    return new Finding(Severity.WARNING, file, line, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code FILE:LINE: message}, the place and the message without the severity. */
  public String where() {
    return (file == null ? "<spec>" : file.toString()) + ":" + line + ": " + message;
  }

  @Override
  public String toString() {
    return (file == null ? "<spec>" : file.toString()) + ":" + line + ": " + severity.label() + ": " + message;
  }
}
