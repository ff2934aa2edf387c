package dev.deliberate.app;

import dev.deliberate.handoff.HandoffExport;
import dev.deliberate.handoff.HandoffFormat;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code deliberate handoff export}: datasets for TRL, OpenRLHF or verl, wired to the reward server. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write the SFT examples (and RL prompts) in the layout a training framework expects, with a README that gives "
          + "the command lines and points the RL reward at 'deliberate serve-reward'.",
      "",
      "trl: sft.jsonl (messages), rl.jsonl (prompt, category, expected), reward_trl.py.",
      "openrlhf: sft.jsonl (prompt, response), rl.jsonl (prompt, label) for --data.input_key prompt --data.label_key label.",
      "verl: sft.jsonl (messages), rl.jsonl (data_source, prompt, ability, reward_model, extra_info), reward_verl.py;"
          + " verl reads Parquet: the README gives the one-line conversion.",
      ""
    })
final class HandoffExportCommand extends BaseCommand {
  @Option(names = "--format", required = true, paramLabel = "trl|openrlhf|verl", description = "The framework.")
  String format;

  @Option(names = "--sft", required = true, paramLabel = "FILE",
      description = "Our SFT JSONL (messages ending with the answer, reasoning, category).")
  Path sft;

  @Option(names = "--rl-prompts", paramLabel = "FILE", description = "Prompt JSONL for RL; every prompt needs a category.")
  Path rlPrompts;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into.")
  Path out;

  @Option(names = "--reward-url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8000",
      description = "Where serve-reward will listen, for the README and reward scripts (default: ${DEFAULT-VALUE}).")
  String rewardUrl;

  @Option(names = "--judge", paramLabel = "MODEL", defaultValue = "reference",
      description = "Judge named in the README's serve-reward line (default: ${DEFAULT-VALUE}).")
  String judge;

  // RL categories are checked against the spec, SFT examples must not quote it, and the README's serve-reward line
  // names it.
  @Mixin SpecOption spec;

  @Override
  protected int run() {
    HandoffFormat chosen = HandoffFormat.parse(format);
    String serve = "deliberate serve-reward --judge " + judge + (spec.file == null ? "" : " --spec " + spec.file);
    HandoffExport.Result result = HandoffExport.export(chosen, spec.parse(), sft, rlPrompts, out,
        rewardUrl.replaceAll("/+$", ""), serve);
    out().printf("wrote %d SFT rows%s for %s to %s%n", result.sftRows(),
        rlPrompts == null ? "" : " and " + result.rlRows() + " RL prompts", chosen, out);
    result.files().forEach(f -> out().println("  " + f));
    out().println("see " + out.resolve("README.md") + " for the command lines");
    out().flush();
    return ExitCode.OK;
  }
}
