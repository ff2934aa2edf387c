package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.data.BadLines;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.JsonlWriter;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.data.Splits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deliberate data split --in FILE --seed N --eval-share 0.3 --holdout-attacks A,B -o DIR}. */
@Command(
    name = "split",
    mixinStandardHelpOptions = true,
    description = {
      "Split prompts into DIR/train.jsonl and DIR/eval.jsonl, held out both by request and by attack.",
      "",
      "Prompts are grouped by their underlying request (the original request of an attacked prompt). "
          + "A seeded, exact share of the requests goes to eval with all their variants; the other requests go to "
          + "train, except that records whose attack or attack family is held out never enter train.",
      "",
      "Held-out attacks on train requests are dropped and counted: they would leak either the attack into train "
          + "or the request into eval. The same seed and input give the same split, whatever the order of the lines."
    })
final class DataSplitCommand extends BaseCommand {
  @Option(names = "--in", required = true, paramLabel = "FILE", description = "A prompts JSONL file (usually with attacked variants).")
  Path in;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Directory for train.jsonl and eval.jsonl.")
  Path outDir;

  @Mixin SeedOption seedOption;

  @Option(names = "--eval-share", paramLabel = "SHARE", defaultValue = "0.3",
      description = "Share of distinct requests held out for eval, 0 to 1 (default: ${DEFAULT-VALUE}).")
  double evalShare;

  @Option(names = "--holdout-attacks", paramLabel = "NAME", split = ",",
      description = "Attack names or attack families seen only in eval, comma-separated (default: none).")
  List<String> holdoutAttacks = new ArrayList<>();

  @Option(names = "--skip-bad", description = "Skip and report bad lines instead of failing on the first one.")
  boolean skipBad;

  @Override
  protected int run() {
    if (!(evalShare >= 0 && evalShare <= 1)) {
      throw new BadInputException("--eval-share: expected a number from 0 to 1, found " + evalShare);
    }
    // Two streaming passes: the plan needs only the distinct requests, not the records.
    Set<String> requests = new HashSet<>();
    Set<String> attacksSeen = new HashSet<>();
    BadLines skipped;
    try (JsonlReader<Prompt> reader = Prompts.read(in, skipBad)) {
      for (Prompt prompt : reader) {
        requests.add(prompt.request());
        if (prompt.attack() != null) {
          attacksSeen.add(prompt.attack());
        }
        Object family = prompt.metadata().get("attack_family");
        if (family != null) {
          attacksSeen.add(family.toString());
        }
      }
      skipped = reader.skipped();
    }
    Splits plan = Splits.plan(requests, seedOption.seed, evalShare, holdoutAttacks);
    long train = 0;
    long eval = 0;
    long dropped = 0;
    try (JsonlReader<Prompt> reader = Prompts.read(in, skipBad);
        JsonlWriter trainOut = JsonlWriter.create(outDir.resolve("train.jsonl"));
        JsonlWriter evalOut = JsonlWriter.create(outDir.resolve("eval.jsonl"))) {
      for (Prompt prompt : reader) {
        switch (plan.assign(prompt)) {
          case TRAIN -> trainOut.write(prompt);
          case EVAL -> evalOut.write(prompt);
          case DROPPED -> dropped++;
        }
      }
      train = trainOut.count();
      eval = evalOut.count();
      trainOut.commit();
      evalOut.commit();
    }
    DataCommands.reportSkipped(err(), skipped);
    for (String name : plan.holdout()) {
      if (!attacksSeen.contains(name) && attacksSeen.stream().noneMatch(a -> List.of(a.split("\\+")).contains(name))) {
        err().println("warning: held-out attack '" + name + "' does not occur in " + in);
      }
    }
    err().flush();
    out().printf("requests: %d (%d eval, %d train)%n", plan.requestCount(), plan.evalRequestCount(),
        plan.requestCount() - plan.evalRequestCount());
    out().printf("train: %d records -> %s%n", train, outDir.resolve("train.jsonl"));
    out().printf("eval: %d records -> %s%n", eval, outDir.resolve("eval.jsonl"));
    out().printf("dropped: %d records (held-out attacks on train requests)%n", dropped);
    out().flush();
    return ExitCode.OK;
  }
}
