package dev.deliberate.app;

import dev.deliberate.attack.Attack;
import dev.deliberate.attack.Attacks;
import dev.deliberate.attack.ModelAttack;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate data attacks --list}: the built-in jailbreak attacks, template and model-driven. */
@Command(
    name = "attacks",
    mixinStandardHelpOptions = true,
    description = {
      "List the built-in jailbreak attacks, one a line: name, family, whether it needs an attacker model, and what "
          + "it does.",
      "Use the names with 'deliberate data attack --attacks NAME,...'; families are what 'data split' holds out.",
      "Attacks marked MODEL yes are written by an attacker model: 'data attack', 'eval' and the pipeline need an"
          + " attacker for them (--attacker MODEL, or 'attacker:' in the pipeline's attack and eval sections); pair"
          + " also asks the target and a judge."
    })
final class DataAttacksCommand extends BaseCommand {
  @Option(names = "--list", description = "List the attacks (the default; kept for clarity in scripts).")
  boolean list;

  /** One line of the listing. */
  record Row(String name, String family, boolean needsModel, String description) {}

  /** Template attacks first, then model-driven ones, each in registry order. */
  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (Attack a : Attacks.all()) {
      rows.add(new Row(a.name(), a.family(), false, a.description()));
    }
    for (ModelAttack a : Attacks.modelDriven()) {
      rows.add(new Row(a.name(), a.family(), true, a.description()));
    }
    return rows;
  }

  @Override
  protected int run() {
    List<Row> rows = rows();
    int nameWidth = rows.stream().mapToInt(r -> r.name().length()).max().orElse(0);
    int familyWidth = rows.stream().mapToInt(r -> r.family().length()).max().orElse(0);
    String format = "%-" + nameWidth + "s  %-" + familyWidth + "s  %-5s  %s%n";
    out().printf(format, "NAME", "FAMILY", "MODEL", "DESCRIPTION");
    for (Row r : rows) {
      out().printf(format, r.name(), r.family(), r.needsModel() ? "yes" : "no", r.description());
    }
    out().flush();
    return ExitCode.OK;
  }
}
