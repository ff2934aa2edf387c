package dev.deliberate.app;

import dev.deliberate.attack.Attack;
import dev.deliberate.attack.Attacks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate data attacks --list}: the built-in jailbreak attacks. */
@Command(
    name = "attacks",
    mixinStandardHelpOptions = true,
    description = {
      "List the built-in jailbreak attacks: name, family and what each does.",
      "Use the names with 'deliberate data attack --attacks NAME,...'; families are what 'data split' holds out."
    })
final class DataAttacksCommand extends BaseCommand {
  @Option(names = "--list", description = "List the attacks (the default; kept for clarity in scripts).")
  boolean list;

  @Override
  protected int run() {
    int nameWidth = Attacks.all().stream().mapToInt(a -> a.name().length()).max().orElse(0);
    int familyWidth = Attacks.all().stream().mapToInt(a -> a.family().length()).max().orElse(0);
    String row = "%-" + nameWidth + "s  %-" + familyWidth + "s  %s%n";
    out().printf(row, "NAME", "FAMILY", "DESCRIPTION");
    for (Attack attack : Attacks.all()) {
      out().printf(row, attack.name(), attack.family(), attack.description());
    }
    out().flush();
    return ExitCode.OK;
  }
}
