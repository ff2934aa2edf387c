package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BuiltinFiles;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandsTest {
  private static final Path BENCHMARKS = BuiltinFiles.benchmarks();
  @TempDir Path dir;

  /** A bad-input run: exit 2, exactly one line {@code error: EXPECTED...} and no stack trace. */
  private static void assertBadInput(Cli result, String expectedStart) {
    assertEquals(ExitCode.BAD_INPUT, result.status(), result.err());
    List<String> lines = result.err().lines().toList();
    assertTrue(lines.get(0).startsWith("error: " + expectedStart), result.err());
    assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
    assertTrue(lines.size() == 1 || lines.get(1).startsWith("Run '"), result.err());
  }

  @Test
  void importStrongRejectWritesPromptsAndPrintsCounts() {
    Path out = dir.resolve("sr.jsonl");
    Cli result = Cli.run("data", "import", "strongreject", BENCHMARKS.resolve("strongreject/strongreject_dataset.csv").toString(), "-o", out.toString());
    assertEquals(0, result.status(), result.err());
    assertTrue(result.out().startsWith("imported 313 prompts"), result.out());
    assertTrue(result.out().contains("nonviolent-crime  59"), result.out());
    assertEquals(313, Prompts.readAll(out).size());
  }

  @Test
  void importWithSpecChecksEveryCategoryAgainstIt() {
    Path csv = BENCHMARKS.resolve("xstest/xstest_prompts.csv");
    Path out = dir.resolve("xs.jsonl");
    Cli withDefault = Cli.run("data", "import", "xstest", csv.toString(), "-o", out.toString(),
        "--spec", dev.deliberate.spec.TestSpecs.defaultSpec().toString());
    assertEquals(0, withDefault.status(), withDefault.err());

    Path minimal = dev.deliberate.spec.TestSpecs.fixture("minimal.md");
    assertBadInput(Cli.run("data", "import", "xstest", csv.toString(), "-o", dir.resolve("o.jsonl").toString(),
        "--spec", minimal.toString()), csv + ": categories");
  }

  @Test
  void importXsTestThenStats() {
    Path out = dir.resolve("xs.jsonl");
    assertEquals(0, Cli.run("data", "import", "xstest", BENCHMARKS.resolve("xstest/xstest_prompts.csv").toString(), "-o", out.toString()).status());
    Cli stats = Cli.run("data", "stats", out.toString());
    assertEquals(0, stats.status(), stats.err());
    assertTrue(stats.out().startsWith("prompts: 450\n"), stats.out());
    assertTrue(stats.out().contains("comply         250") && stats.out().contains("refuse         191"), stats.out());
  }

  @Test
  void importGenericCsvWithMapping() throws IOException {
    Path csv = dir.resolve("mine.csv");
    Files.writeString(csv, "q,label\r\n\"Two\r\nlines\",refuse\r\nOne,comply\r\n");
    Path out = dir.resolve("mine.jsonl");
    Cli result = Cli.run("data", "import", "csv", csv.toString(), "--text-column", "q", "--expected-column", "label",
        "--category", "violence", "-o", out.toString());
    assertEquals(0, result.status(), result.err());
    List<Prompt> prompts = Prompts.readAll(out);
    assertEquals("Two\r\nlines", prompts.get(0).text());
    assertEquals("mine", prompts.get(0).source());
    assertEquals("violence", prompts.get(1).category());
  }

  @Test
  void splitWritesTrainAndEvalAndIsOrderIndependent() throws IOException {
    List<Prompt> prompts = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Prompt plain = Prompt.of("request " + i, "violence", dev.deliberate.spec.Style.REFUSE, "t", null);
      prompts.add(plain);
      prompts.add(plain.attacked("rot13", "erdhrfg " + i));
      prompts.add(plain.attacked("poem", "a poem about request " + i));
    }
    Path in = dir.resolve("in.jsonl");
    dev.deliberate.data.JsonlWriter.writeAll(in, prompts);
    Cli result = Cli.run("data", "split", "--in", in.toString(), "--seed", "5", "--eval-share", "0.25",
        "--holdout-attacks", "rot13", "-o", dir.resolve("a").toString());
    assertEquals(0, result.status(), result.err());
    assertTrue(result.out().contains("requests: 20 (5 eval, 15 train)"), result.out());
    assertTrue(result.out().contains("train: 30 records"), result.out());
    assertTrue(result.out().contains("eval: 15 records"), result.out());
    assertTrue(result.out().contains("dropped: 15 records"), result.out());
    assertTrue(Prompts.readAll(dir.resolve("a/train.jsonl")).stream().noneMatch(p -> "rot13".equals(p.attack())));

    Collections.reverse(prompts);
    Path reversed = dir.resolve("reversed.jsonl");
    dev.deliberate.data.JsonlWriter.writeAll(reversed, prompts);
    assertEquals(0, Cli.run("data", "split", "--in", reversed.toString(), "--seed", "5", "--eval-share", "0.25",
        "--holdout-attacks", "rot13", "-o", dir.resolve("b").toString()).status());
    assertEquals(ids(dir.resolve("a/eval.jsonl")), ids(dir.resolve("b/eval.jsonl")));
  }

  private static java.util.Set<String> ids(Path file) {
    return Prompts.readAll(file).stream().map(Prompt::id).collect(Collectors.toSet());
  }

  @Test
  void missingFile() {
    Path missing = dir.resolve("none.csv");
    assertBadInput(Cli.run("data", "import", "strongreject", missing.toString(), "-o", dir.resolve("o.jsonl").toString()),
        missing + ": no such file");
    assertBadInput(Cli.run("data", "stats", missing.toString()), missing + ": no such file");
  }

  @Test
  void csvWithAMissingColumn() throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "category,prompt\nViolence,x\n");
    Path out = dir.resolve("o.jsonl");
    assertBadInput(Cli.run("data", "import", "strongreject", csv.toString(), "-o", out.toString()),
        csv + ": missing column 'forbidden_prompt'; found columns: category, prompt");
    assertFalse(Files.exists(out), "no output on failure");
  }

  @Test
  void jsonlLineThatIsNotJsonAndSkipBad() throws IOException {
    Path in = dir.resolve("p.jsonl");
    Files.writeString(in, "{\"text\":\"a\"}\n{\"text\": \n{\"text\":\"b\",\"expected\":\"sometimes\"}\n{\"text\":\"c\"}\n");
    assertBadInput(Cli.run("data", "stats", in.toString()), in + ":2: not valid JSON (");
    Cli skipping = Cli.run("data", "stats", in.toString(), "--skip-bad");
    assertEquals(0, skipping.status(), skipping.err());
    assertTrue(skipping.out().startsWith("prompts: 2\n"), skipping.out());
    assertTrue(skipping.err().startsWith("warning: skipped 2 bad lines in " + in + " (lines 2, 3)"), skipping.err());
    assertTrue(skipping.err().contains(in + ":3: field 'expected': expected one of comply, refuse, safe-complete, found 'sometimes'"),
        skipping.err());
  }

  @Test
  void nonUtf8File() throws IOException {
    Path in = dir.resolve("latin1.jsonl");
    Files.write(in, new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xE9, '"', '}', '\n'});
    assertBadInput(Cli.run("data", "stats", in.toString()), in + ":1: not valid UTF-8");
  }

  @Test
  void badOptions() throws IOException {
    Path in = dir.resolve("p.jsonl");
    Files.writeString(in, "{\"text\":\"a\"}\n");
    assertBadInput(Cli.run("data", "split", "--in", in.toString(), "--eval-share", "2", "-o", dir.toString()),
        "--eval-share: expected a number from 0 to 1, found 2.0");
    assertBadInput(Cli.run("data", "import", "parquet", in.toString(), "-o", dir.resolve("o.jsonl").toString()),
        "unknown format 'parquet': expected strongreject, xstest, csv or jsonl");
    assertBadInput(Cli.run("data", "import", "jsonl", in.toString(), "--text-column", "text", "--expected", "never",
        "-o", dir.resolve("o.jsonl").toString()), "--expected: expected one of comply, refuse, safe-complete, found 'never'");
    assertBadInput(Cli.run("data", "import", "xstest", in.toString(), "--category", "x", "-o", dir.resolve("o.jsonl").toString()),
        "--text-column, --id-column");
    assertBadInput(Cli.run("data", "split", "--in", in.toString()), "Missing required option");
  }

  @Test
  void helpExplainsEachCommand() {
    for (String command : List.of("import", "stats", "split")) {
      Cli help = Cli.run("data", command, "--help");
      assertEquals(0, help.status());
      assertTrue(help.out().contains("Usage: deliberate data " + command), help.out());
    }
  }
}
