package dev.deliberate.app;

import dev.deliberate.engine.tiny.TinyModel;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "The whole method offline on one CPU, as a small experiment: build (or reuse) the tiny helpful-only base model;"
          + " import StrongREJECT and XSTest, apply jailbreak attacks and split so that evaluation uses requests and"
          + " attack families never seen in training; generate chains of thought with the reference generator, judge"
          + " them with the reference judge, filter and strip the spec; train three students from the same base on"
          + " the same prompts (direct SFT on answers only, deliberative SFT on CoT + answer, and deliberative SFT"
          + " then GRPO with the reference judge as reward, which never sees the CoT); evaluate them and the base on"
          + " the held-out prompts; print the table and write the HTML report.",
      "",
      "Resumable: rerunning the same command skips the finished steps and continues an interrupted one."
    })
final class QuickstartCommand extends BaseCommand {
  @Option(names = "--small", description = "A reduced run (fewer prompts and steps, the same stages), for a first look and for CI.")
  boolean small;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of the data split, sampling and training (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--run", paramLabel = "DIR", description = "Run directory (default: runs/quickstart, or runs/quickstart-small with --small).")
  Path runDir;

  @Mixin BenchmarksOption benchmarks;

  @Mixin SpecOption spec;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "Where the tiny base model is cached (default: $DELIBERATE_CACHE, else $XDG_CACHE_HOME/deliberate, else ~/.cache/deliberate).")
  Path cache;

  @Override
  protected int run() throws Exception {
    QuickstartPlan plan = small ? QuickstartPlan.SMALL : QuickstartPlan.FULL;
    Path bench = benchmarks.path();
    Quickstart.checkBenchmarks(bench);
    Path dir = runDir != null ? runDir : Path.of("runs", plan.name());
    Path cacheDir = cache != null ? cache : TinyModel.defaultCacheDir();
    new Quickstart(new Quickstart.Options(plan, dir, bench, spec.path(), cacheDir, seed), out(), err()).run();
    return ExitCode.OK;
  }
}
