package dev.deliberate.app;

import picocli.CommandLine;

/**
 * The command tree in one place, so that adding a command is one line here and one class beside it.
 * Groups ({@code spec}, {@code data}, ...) are plain picocli parents whose leaves are {@link BaseCommand}s.
 */
final class Commands {
  private Commands() {}

  static void register(CommandLine root) {
    // Each issue's commands are added here.
  }
}
