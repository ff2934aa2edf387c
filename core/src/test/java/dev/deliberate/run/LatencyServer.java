package dev.deliberate.run;

import dev.deliberate.model.ScriptedServer;
import dev.deliberate.model.ScriptedServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The benchmarks' loopback server as a process of its own, so that its threads and garbage do not share a JVM with
 * the client being measured: an OpenAI-compatible endpoint that echoes after a fixed latency. Arguments: the
 * latency in ms and a file to write the base URL to once listening. It serves until its standard input closes.
 */
public final class LatencyServer {
  public static void main(String[] args) throws Exception {
    long latencyMs = Long.parseLong(args[0]);
    Path urlFile = Path.of(args[1]);
    try (ScriptedServer server = ScriptedServer.start()) {
      server.logging(false).script(call -> Reply.delayed(Duration.ofMillis(latencyMs), Reply.echo()));
      Path partial = urlFile.resolveSibling(urlFile.getFileName() + ".tmp");
      Files.writeString(partial, server.baseUrl() + "\n");
      Files.move(partial, urlFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      while (System.in.read() >= 0) {
        // serve until the benchmark closes our input (or ends)
      }
    }
  }
}
