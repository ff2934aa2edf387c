package dev.deliberate;

/**
 * Input that a user (or a model) gave us is not what we expected. The message is one line that names the
 * place (file, line, field) and says what was expected; the command line prints it as {@code error: ...}
 * with no stack trace and exits with status 2.
 */
public class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
