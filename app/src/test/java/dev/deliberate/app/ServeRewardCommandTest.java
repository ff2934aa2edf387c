package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.spec.TestSpecs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeRewardCommandTest {
  private static final String SPEC = TestSpecs.defaultSpec().toString();

  @Test
  void anUnsetTokenVariableIsBadInput() {
    Cli cli = Cli.run("serve-reward", "--judge", "reference", "--spec", SPEC, "--api-key-env", "DELIBERATE_TEST_UNSET_VARIABLE");
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: --api-key-env: environment variable DELIBERATE_TEST_UNSET_VARIABLE is not set", cli.err().strip());
  }

  @Test
  void limitsAreChecked() {
    Cli cli = Cli.run("serve-reward", "--judge", "reference", "--spec", SPEC, "--concurrency", "0");
    assertEquals(ExitCode.BAD_INPUT, cli.status());
    assertEquals("error: --concurrency: expected at least 1, got 0", cli.err().strip());
  }

  @Test
  void theCommandServesTheReferenceJudgeUntilInterrupted(@TempDir Path dir) throws Exception {
    Cli[] result = new Cli[1];
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    Thread serving = new Thread(() -> {
      int status = Main.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
          "serve-reward", "--judge", "reference", "--spec", SPEC, "--port", "0", "--run", dir.toString());
      result[0] = new Cli(status, out.toString(), err.toString());
    });
    serving.start();
    String url = null;
    for (int i = 0; i < 400 && url == null; i++) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("serving reward on (http://\\S+)").matcher(out.toString());
      if (m.find()) {
        url = m.group(1);
      } else {
        Thread.sleep(50);
      }
    }
    try {
      assertTrue(url != null, "the server announced its address: " + out + err);
      java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/health")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      assertTrue(health.body().contains("\"judge\":\"reference\""), health.body());
      assertTrue(health.body().contains("\"deliberate-default\""), health.body());
    } finally {
      serving.interrupt();
      serving.join(20_000);
    }
    assertEquals(ExitCode.INTERRUPTED, result[0].status(), result[0].err());
  }

  @Test
  void anUnknownJudgeModelIsBadInput(@TempDir Path dir) {
    Cli cli = Cli.run("serve-reward", "--judge", "nosuchscheme:thing", "--spec", SPEC, "--run", dir.toString());
    assertEquals(ExitCode.BAD_INPUT, cli.status(), cli.err());
    assertTrue(cli.err().startsWith("error: "), cli.err());
  }

  @Test
  void helpNamesTheEndpointsAndTheLabelFormat() {
    Cli cli = Cli.run("serve-reward", "--help");
    assertEquals(0, cli.status());
    assertTrue(cli.out().contains("POST /reward"));
    assertTrue(cli.out().contains("{\"category\": \"violence\", \"expected\": \"refuse\"}"));
  }
}
