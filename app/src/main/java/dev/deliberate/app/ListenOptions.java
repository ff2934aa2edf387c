package dev.deliberate.app;

import picocli.CommandLine.Option;

/** {@code --host} and {@code --port}, where a server command listens: the same in {@code serve} and {@code serve-reward}. */
final class ListenOptions {
  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8000", paramLabel = "P", description = "Port (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port;
}
