package dev.deliberate.model;

/** A model call that failed; {@code retriable} says whether trying again may help (429, 5xx, timeouts). */
public class ModelException extends RuntimeException {
  private final boolean retriable;

  public ModelException(String message, boolean retriable) {
    super(message);
    this.retriable = retriable;
  }

  public ModelException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
