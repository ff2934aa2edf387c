package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.attack.AttackerInstructions;
import dev.deliberate.attack.Attacks;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.judge.Grader;
import dev.deliberate.judge.Graders;
import dev.deliberate.model.ChatModel;
import dev.deliberate.pipeline.Stages;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.run.StageModels;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
      "Model-driven attacks need --attacker (and pair also --target); their calls are cached in the run directory"
          + " (--run, default the output's directory) and logged to OUT.model.jsonl, so a rerun resumes without"
          + " paying twice. A variant the attacker refused is written as the plain request, marked"
          + " 'attack_failed' in its metadata.",
      ""
    })
final class DataAttackCommand extends BaseCommand {
  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Prompt JSONL file to read.")
  Path in;

  @Option(
      names = "--attacks",
      defaultValue = "templates",
      paramLabel = "all|templates|model-driven|NAME,...",
      description = "Attacks to apply: all (model-driven included), templates, model-driven, or names separated by"
          + " commas (default: ${DEFAULT-VALUE}).")
  String attacks;

  @Mixin AttackerOptions attack;

  @Option(names = "--target", paramLabel = "MODEL", description = "The model pair attacks while refining.")
  String target;

  @Option(names = "--grader", defaultValue = "reference", paramLabel = "GRADER",
      description = "Pair's judge: reference, string-match or a model string (default: ${DEFAULT-VALUE}).")
  String grader;

  @Option(names = "--run", paramLabel = "DIR",
      description = "Run directory for manifest.json and the response cache (default: the output's directory).")
  Path runDir;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT.jsonl", description = "Where to write the records.")
  Path out;

  @Option(
      names = "--keep-original",
      description = "Also write each input prompt, before its variants (default: variants only).")
  boolean keepOriginal;

  @Option(names = "--skip-bad", description = "Skip malformed lines (and report them) instead of stopping at the first.")
  boolean skipBad;

  @Mixin SeedOption seedOption;

  @Mixin ModelCallOptions call;

  @Override
  protected int run() throws Exception {
    Attacks.Selection chosen = attack.select(attacks);
    attack.requireAttacker(chosen);
    if (!chosen.needingTarget().isEmpty() && target == null) {
      throw new BadInputException("attack " + String.join(", ", chosen.needingTarget()) + " asks a target while it"
          + " refines: give --target MODEL");
    }
    List<Prompt> prompts = new ArrayList<>();
    try (JsonlReader<Prompt> reader = Prompts.read(in, skipBad)) {
      reader.forEach(prompts::add);
      DataCommands.reportSkipped(err(), reader.skipped());
    }
    long alreadyAttacked = prompts.stream().filter(p -> p.attack() != null).count();
    Path modelLog = out.resolveSibling(out.getFileName().toString().replaceAll("\\.jsonl$", "") + ".model.jsonl");
    Stages.AttackCounts counts;
    if (!chosen.needsAttacker()) {
      counts = Stages.attack(prompts, out, modelLog, chosen, keepOriginal, null);
    } else {
      Instant startedAt = Instant.now();
      RunDirectory run = RunDirectory.open(runDir != null ? runDir : out.toAbsolutePath().getParent(),
          StageCommand.version());
      try (StageModels models = new StageModels(run, ModelStrings.resolver())) {
        boolean pair = !chosen.needingTarget().isEmpty();
        ChatModel attackerModel = models.model(call.settings(attack.attacker));
        ChatModel targetModel = pair ? models.model(call.settings(target)) : null;
        Grader judge = pair ? Graders.named(grader, m -> models.model(call.settings(m))) : null;
        counts = Stages.attack(prompts, out, modelLog, chosen, keepOriginal, new Stages.AttackRun(attackerModel,
            targetModel, judge, seedOption.seed, call.concurrency, err()));
        record(run, models, chosen, counts, startedAt);
        StageCommand.printUsage(err(), models);
      }
    }
    out().printf("read %d prompts from %s (%d already attacked, not attacked again)%n", prompts.size(), in,
        alreadyAttacked);
    out().printf("wrote %d records to %s: %d originals, %d attacked variants from %d attacks%n", counts.written(), out,
        counts.originals(), counts.variants(), chosen.names().size());
    out().flush();
    if (counts.modelDriven() != null && counts.modelDriven().interrupted()) {
      return ExitCode.INTERRUPTED;
    }
    if (counts.modelDriven() != null && counts.modelDriven().failed() > 0) {
      err().println("data attack: " + counts.modelDriven().failed() + " model-driven variants failed (see \"error\" in "
          + modelLog + "); rerun the same command to try them again");
      return ExitCode.FAILURE;
    }
    return ExitCode.OK;
  }

  private void record(RunDirectory run, StageModels models, Attacks.Selection chosen, Stages.AttackCounts counts,
      Instant startedAt) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("in", in.toString());
    config.put("attacks", chosen.names());
    config.put("attacker", attack.attacker);
    config.put("target", target);
    config.put("grader", grader);
    config.put("pair_rounds", attack.pairRounds);
    config.put("keep_original", keepOriginal);
    config.put("attacker_instructions", AttackerInstructions.provenance());
    var s = counts.modelDriven();
    List<String> modelIds = new ArrayList<>(models.modelIds());
    var stage = new dev.deliberate.run.Manifest.Stage("attack", s.interrupted() ? "interrupted"
        : s.failed() > 0 ? "failed" : "done", modelIds, seedOption.seed, config, null, out.toString(),
        new dev.deliberate.run.Manifest.Counts(s.total(), s.doneInOutput(), s.failed(), s.skipped()),
        startedAt.toString(), Instant.now().toString(), s.elapsed().toMillis() / 1000.0,
        models.accounting().snapshot());
    run.update(m -> m.withStage(stage));
  }
}
