package dev.deliberate.app;

/** The exit codes of every command. */
public final class ExitCode {
  public static final int OK = 0;
  /** The work ran but found problems (lint errors, failed records). */
  public static final int FAILURE = 1;
  /** The input was not usable: a missing file, a malformed line, a bad option. */
  public static final int BAD_INPUT = 2;
  /** Interrupted by the user; rerunning the same command resumes. */
  public static final int INTERRUPTED = 130;

  private ExitCode() {}
}
