package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands find the shipped benchmarks and spec without flags, from any working directory. */
class FreshCloneTest {
  @Test
  void evalReadsTheShippedBenchmarksFromADirectoryOutsideTheCheckout(@TempDir Path elsewhere) throws Exception {
    Path out = elsewhere.resolve("e");
    Path log = elsewhere.resolve("log.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "eval", "--model", "reference", "--suite", "xstest", "--limit", "5", "-o", out.toString()))
        .directory(elsewhere.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "eval did not finish");
    String printed = Files.readString(log);
    assertEquals(0, process.exitValue(), printed);
    assertTrue(Files.isRegularFile(out.resolve("metrics.json")), printed);
    assertTrue(printed.contains("on 5 prompts"), printed);
  }
}
