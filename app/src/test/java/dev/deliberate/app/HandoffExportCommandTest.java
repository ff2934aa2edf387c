package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.spec.TestSpecs;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandoffExportCommandTest {
  @TempDir Path dir;

  @Test
  void exportWritesTheFilesAndSaysWhere() throws Exception {
    Path sft = dir.resolve("sft.jsonl");
    Files.writeString(sft, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}],"
        + "\"reasoning\":\"#style-comply: just answer.\",\"category\":\"violence\"}\n");
    Path prompts = dir.resolve("prompts.jsonl");
    Files.writeString(prompts, "{\"text\":\"hi\",\"category\":\"violence\"}\n");
    Path out = dir.resolve("out");

    Cli cli = Cli.run("handoff", "export", "--format", "verl", "--sft", sft.toString(), "--rl-prompts", prompts.toString(),
        "--out", out.toString(), "--reward-url", "http://10.0.0.5:9000/", "--judge", "openai:gpt-4o-mini",
        "--spec", TestSpecs.defaultSpec().toString());

    assertEquals(0, cli.status(), cli.err());
    assertTrue(cli.out().startsWith("wrote 1 SFT rows and 1 RL prompts for verl to " + out), cli.out());
    String readme = Files.readString(out.resolve("README.md"));
    assertTrue(readme.contains("deliberate serve-reward --judge openai:gpt-4o-mini --spec " + TestSpecs.defaultSpec() + " --port 9000"), readme);
    assertTrue(Files.exists(out.resolve("reward_verl.py")));
  }

  @Test
  void anUnknownFormatIsBadInput() {
    Cli cli = Cli.run("handoff", "export", "--format", "deepspeed", "--sft", "x", "--out", dir.toString());
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: unknown format 'deepspeed': expected one of trl, openrlhf, verl", cli.err().strip());
  }

  @Test
  void theDocsShowTheRewardFunctionsThatExportWrites() throws Exception {
    Path docs = TestSpecs.defaultSpec().getParent().getParent().resolve("docs/reward-server.md");
    String text = Files.readString(docs);
    for (String script : List.of("reward_trl.py", "reward_verl.py")) {
      try (InputStream in = dev.deliberate.handoff.HandoffExport.class.getResourceAsStream(script)) {
        String code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String body = code.substring(code.indexOf('\n') + 1).strip(); // without the leading comment line
        assertTrue(text.contains(body), script + " in docs/reward-server.md matches the shipped file");
        assertTrue(body.lines().count() <= 14, script + " stays about a dozen lines");
      }
    }
  }
}
