package dev.deliberate.app;

/** Ends a command with a status and a one-line message. */
public class ExitException extends RuntimeException {
  private final int status;

  public ExitException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
