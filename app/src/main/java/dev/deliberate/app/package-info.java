/**
 * The command line: one class per command, each returning an exit code (0 ok, 1 failure, 2 bad input).
 * Errors print as one line {@code error: ...}; {@code --debug} adds the stack trace.
 */
package dev.deliberate.app;
