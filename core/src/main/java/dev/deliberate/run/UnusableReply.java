package dev.deliberate.run;

/**
 * A model reply that the stage cannot use (not the JSON asked for, no reasoning or answer in any sample, a
 * verdict that never parsed). {@link StageExecutor} records the input as failed with this message, so the stage's
 * summary and the manifest count it and a rerun tries it again; it is never a done record with nothing in it.
 */
public final class UnusableReply extends RuntimeException {
  public UnusableReply(String reason) {
    super(reason);
  }
}
