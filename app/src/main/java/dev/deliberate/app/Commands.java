package dev.deliberate.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command tree in one place: adding a command is one line here and one class beside it.
 * Groups ({@code spec}, {@code data}, ...) are plain parents that print their usage; leaves are {@link BaseCommand}s.
 */
final class Commands {
  private Commands() {}

  static void register(CommandLine root) {
    CommandLine spec = group(root, "spec", "Check and read a safety spec.");
    spec.addSubcommand(new SpecLintCommand());
    spec.addSubcommand(new SpecCategoriesCommand());
    spec.addSubcommand(new SpecShowCommand());
    spec.addSubcommand(new SpecHashCommand());

    CommandLine data = group(root, "data", "Import, inspect, attack and split prompt datasets.");
    // data: import, stats, split
    data.addSubcommand(new DataImportCommand());
    data.addSubcommand(new DataStatsCommand());
    data.addSubcommand(new DataSplitCommand());
    // data: jailbreak attacks
    data.addSubcommand("attacks", new DataAttacksCommand());
    data.addSubcommand("attack", new DataAttackCommand());

    CommandLine model = group(root, "model", "Local models: build the tiny model, import GGUF files, generate, inspect logits.");
    // model: the local engine
    model.addSubcommand(new ModelBuildTinyCommand());
    model.addSubcommand(new ModelGenerateCommand());
    model.addSubcommand(new ModelLogitsCommand());
    // import: GGUF files into the Hugging Face layout (issue 12)
    model.addSubcommand(new ModelImportCommand());
    model.addSubcommand(new ModelTokenizeCommand());

    CommandLine train = group(root, "train", "Fine-tune local models (SFT, RL).");
    // train: the local engine
    train.addSubcommand(new TrainSftCommand());
    // rl: GRPO with the spec judge as reward (issue 6)
    train.addSubcommand(new TrainRlCommand());

    // Top-level stage commands (complete, generate, judge, filter, export, run, eval, report, chat, ...).
    // chat: the local engine
    root.addSubcommand(new ChatCommand());

    // pipeline: the deliberative data pipeline and its stages
    root.addSubcommand("run", new RunCommand());
    root.addSubcommand("classify", new ClassifyCommand());
    root.addSubcommand("generate", new GenerateCommand());
    root.addSubcommand("judge", new JudgeCommand());
    root.addSubcommand("filter", new FilterCommand());
    root.addSubcommand("export", new ExportCommand());
    // models and runs (issue 3)
    root.addSubcommand("complete", new CompleteCommand());

    // servers (chat completions, gateway, reward) and hand-off to training services
    root.addSubcommand("serve", new ServeCommand());
    root.addSubcommand("serve-reward", new ServeRewardCommand());
    CommandLine handoff = group(root, "handoff", "Hand data and reward to training services (OpenAI, TRL, OpenRLHF, verl).");
    handoff.addSubcommand("export", new HandoffExportCommand());
    handoff.addSubcommand("openai", new HandoffOpenAiCommand());

    // eval and report (issue 7)
    root.addSubcommand("eval", new CommandLine(new EvalCommand()).addSubcommand("grader-check", new GraderCheckCommand()));
    root.addSubcommand("report", new ReportCommand());

    // quickstart: the whole method offline (issue 8)
    root.addSubcommand("quickstart", new QuickstartCommand());
  }

  /** Adds a command group that prints its own usage when called without a subcommand. */
  static CommandLine group(CommandLine parent, String name, String description) {
    CommandLine group = new CommandLine(new Group());
    group.getCommandSpec().usageMessage().description(description);
    parent.addSubcommand(name, group);
    return group;
  }

  @Command(mixinStandardHelpOptions = true)
  static final class Group implements Runnable {
    @CommandLine.Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }
}
