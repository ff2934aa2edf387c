package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.spec.TestSpecs;
import org.junit.jupiter.api.Test;

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
  void helpNamesTheEndpointsAndTheLabelFormat() {
    Cli cli = Cli.run("serve-reward", "--help");
    assertEquals(0, cli.status());
    assertTrue(cli.out().contains("POST /reward"));
    assertTrue(cli.out().contains("{\"category\": \"violence\", \"expected\": \"refuse\"}"));
  }
}
