package dev.deliberate.app;

import dev.deliberate.attack.Attack;
import dev.deliberate.attack.Attacks;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.JsonlWriter;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate data attack}: adds jailbroken variants of every prompt in a JSONL file. */
@Command(
    name = "attack",
    mixinStandardHelpOptions = true,
    description = {
      "Apply jailbreak attacks to every plain prompt of a prompt JSONL file and write the attacked variants.",
      "",
      "Each variant records the attack name ('attack'), its family (metadata 'attack_family') and the plain "
          + "request ('original_request'). Prompts that are already attacked are not attacked again. "
          + "The output is written to a temporary file and renamed into place, so a failed run leaves no partial "
          + "file. See 'deliberate data attacks --list' for the names.",
      ""
    })
final class DataAttackCommand extends BaseCommand {
  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Prompt JSONL file to read.")
  Path in;

  @Option(
      names = "--attacks",
      defaultValue = "all",
      paramLabel = "all|NAME,...",
      description = "Attacks to apply: 'all' or names separated by commas (default: ${DEFAULT-VALUE}).")
  String attacks;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT.jsonl", description = "Where to write the records.")
  Path out;

  @Option(
      names = "--keep-original",
      description = "Also write each input prompt, before its variants (default: variants only).")
  boolean keepOriginal;

  @Option(names = "--skip-bad", description = "Skip malformed lines (and report them) instead of stopping at the first.")
  boolean skipBad;

  @Override
  protected int run() throws IOException {
    List<Attack> chosen = Attacks.parse(attacks);
    Counts counts = new Counts();
    try (JsonlReader<Prompt> prompts = Prompts.read(in, skipBad);
        JsonlWriter writer = JsonlWriter.create(out)) {
      for (Prompt prompt : prompts) {
        counts.read++;
        if (prompt.attack() != null) {
          counts.alreadyAttacked++;
        }
        List<Prompt> records = Attacks.expand(prompt, chosen, keepOriginal);
        records.forEach(writer::write);
        int originals = keepOriginal ? 1 : 0;
        counts.originals += originals;
        counts.variants += records.size() - originals;
      }
      writer.commit();
      DataCommands.reportSkipped(err(), prompts.skipped());
    }
    out().printf(
        "read %d prompts from %s (%d already attacked, not attacked again)%n", counts.read, in, counts.alreadyAttacked);
    out().printf(
        "wrote %d records to %s: %d originals, %d attacked variants from %d attacks%n",
        counts.originals + counts.variants, out, counts.originals, counts.variants, chosen.size());
    out().flush();
    return ExitCode.OK;
  }

  private static final class Counts {
    long read;
    long alreadyAttacked;
    long originals;
    long variants;
  }
}
