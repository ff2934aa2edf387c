package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.attack.AttackerInstructions;
import dev.deliberate.attack.Attacks;
import dev.deliberate.eval.Evaluation;
import dev.deliberate.eval.Evaluation.SuitePrompt;
import dev.deliberate.eval.PrecomputedAnswers;
import dev.deliberate.eval.Suites;
import dev.deliberate.judge.Graders;
import dev.deliberate.pipeline.EvalStage;
import dev.deliberate.run.StageModels;
import dev.deliberate.report.Summary;
import dev.deliberate.run.Manifest;
import dev.deliberate.run.RunDirectory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a model on safety suites: StrongREJECT under jailbreak attacks (goodness@0.1, not_unsafe),"
          + " XSTest (not_overrefuse on its 250 safe prompts, not_unsafe on its 200 unsafe ones), style adherence,"
          + " spec-citation accuracy, and custom suites from prompt JSONL files with expected behaviours.",
      "Writes answers.jsonl, grades.jsonl and metrics.json under --out (with manifest.json and the response cache);"
          + " --concurrency prompts are answered at once (a local model answers them as one batch), failed calls are"
          + " retried, and rerunning resumes where it stopped, making no model call for work already done."
          + " 'deliberate report DIR' turns the directory into a page.",
      ""
    })
final class EvalCommand extends BaseCommand {
  @Option(names = "--model", paramLabel = "MODEL", description = "The model to evaluate (a model string).")
  String model;

  @Option(names = "--answers", paramLabel = "FILE",
      description = "Evaluate answers a model already gave (answers.jsonl records, each with its prompt) instead of"
          + " asking --model; the suites are those of the answered prompts.")
  Path answers;

  @Option(names = "--suite", defaultValue = "strongreject,xstest", split = ",", paramLabel = "SUITE",
      description = "strongreject, xstest, or a prompt JSONL file (comma-separated; default: ${DEFAULT-VALUE}).")
  List<String> suites;

  @Option(names = "--attacks", defaultValue = "none", paramLabel = "none|all|templates|model-driven|NAME,...",
      description = "Jailbreak attacks applied to every StrongREJECT prompt, which is also asked plain"
          + " (default: ${DEFAULT-VALUE}; all includes the model-driven ones, which need --attacker; see"
          + " 'deliberate data attacks --list').")
  String attacks;

  @Mixin AttackerOptions attack;

  @Option(names = "--languages", split = ",", paramLabel = "CODE",
      description = "Also evaluate StrongREJECT's plain requests and XSTest's prompts translated into these languages"
          + " (e.g. zu,gd) by --translator, answers translated back for grading; reported per language beside en.")
  List<String> languages = new java.util.ArrayList<>();

  @Option(names = "--translator", paramLabel = "MODEL",
      description = "The model that translates the prompts of --languages and the answers back.")
  String translator;

  @Option(names = "--grader", defaultValue = "reference", paramLabel = "GRADER",
      description = "reference (offline rules), string-match (refusal phrases only), or a model string for the"
          + " rubric and three-class prompts (default: ${DEFAULT-VALUE}).")
  String grader;

  @Mixin BenchmarksOption benchmarks;

  // Not picocli-required: that would also demand it of 'eval grader-check'.
  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "The eval directory to write (required).")
  Path out;

  @Option(names = "--limit", paramLabel = "N",
      description = "At most N prompts per suite (before attacks), spread evenly over the suite.")
  Integer limit;

  @Mixin SeedOption seedOption;

  @Option(names = "--max-tokens", paramLabel = "N", description = "Longest answer to ask for.")
  Integer maxTokens;

  @Mixin ModelCallOptions call;

  @Override
  protected int run() throws Exception {
    if ((model == null) == (answers == null)) {
      throw new BadInputException("give exactly one of --model MODEL or --answers FILE");
    }
    if (out == null) {
      throw new BadInputException("missing --out DIR: the eval directory to write");
    }
    if (limit != null && limit < 1) {
      throw new BadInputException("--limit must be at least 1, was " + limit);
    }
    Attacks.Selection chosen = selection();
    if (!languages.isEmpty() && translator == null) {
      throw new BadInputException("--languages " + String.join(",", languages) + " needs --translator MODEL");
    }
    Instant startedAt = Instant.now();
    // The eval directory is a run directory: its manifest records the evaluation, its cache the model replies.
    RunDirectory run = RunDirectory.open(out, StageCommand.version());
    Evaluation.Result result;
    String answering;
    int prompts;
    try (StageModels models = new StageModels(run, ModelStrings.resolver())) {
      if (answers != null) {
        PrecomputedAnswers precomputed = new PrecomputedAnswers(answers);
        answering = precomputed.id();
        List<SuitePrompt> these = precomputed.prompts();
        prompts = these.size();
        err().println("evaluating " + answering + " on " + prompts + " prompts, grader " + grader);
        Evaluation evaluation = new Evaluation(out, Graders.named(grader, m -> models.model(call.settings(m))), seedOption.seed,
            call.concurrency, err());
        result = evaluation.run(these, precomputed);
      } else {
        answering = model;
        List<SuitePrompt> these = Suites.prompts(suites, chosen, languages, suite -> limit, benchmarks.path(), Map.of(),
            Path::of, "--suite");
        prompts = these.size();
        err().println("evaluating " + model + " on " + prompts + " prompts, grader " + grader
            + (chosen.needsAttacker() ? ", attacker " + attack.attacker : "")
            + (languages.isEmpty() ? "" : ", languages " + String.join(",", languages) + " by " + translator));
        result = EvalStage.run(new EvalStage.Job(null, out, call.settings(model), grader, call.settings(grader), maxTokens,
            seedOption.seed, these, chosen.modelDriven(), attack.attacker == null ? null : call.settings(attack.attacker),
            translator == null ? null : call.settings(translator)), models, err());
      }
      record(run, models, answering, prompts, result, startedAt);
      StageCommand.printUsage(err(), models);
    }
    if (result.interrupted()) {
      return ExitCode.INTERRUPTED;
    }
    out().print(Summary.table(List.of(result.metrics())));
    out().println("wrote " + out.resolve(Evaluation.METRICS));
    if (result.failures() > 0) {
      err().println("eval: " + result.failures() + " answers or grades failed (see \"error\" in "
          + Evaluation.ANSWERS + " and " + Evaluation.GRADES + "); rerun the same command to try them again");
      return ExitCode.FAILURE;
    }
    return ExitCode.OK;
  }

  private void record(RunDirectory run, StageModels models, String answering, int prompts, Evaluation.Result r,
      Instant startedAt) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("suites", suites);
    config.put("attacks", attacks);
    config.put("grader", grader);
    if (attack.attacker != null || translator != null) {
      config.put("attacker", attack.attacker);
      config.put("pair_rounds", attack.pairRounds);
      config.put("languages", languages);
      config.put("translator", translator);
      config.put("attacker_instructions", AttackerInstructions.provenance());
    }
    config.put("limit", limit == null ? "all" : limit);
    config.put("max_tokens", maxTokens);
    config.put("concurrency", call.concurrency);
    long failures = r.failures();
    String status = r.interrupted() ? "interrupted" : failures > 0 ? "failed" : "done";
    List<String> modelNames = new java.util.ArrayList<>(List.of(answering, grader));
    if (attack.attacker != null) {
      modelNames.add(attack.attacker);
    }
    if (translator != null) {
      modelNames.add(translator);
    }
    Manifest.Stage stage = new Manifest.Stage("eval", status, modelNames, seedOption.seed, config, null,
        out.toString(), new Manifest.Counts(prompts, r.interrupted() ? 0 : prompts - failures, failures, 0),
        startedAt.toString(), Instant.now().toString(), (System.currentTimeMillis() - startedAt.toEpochMilli()) / 1000.0,
        models.accounting().snapshot());
    run.update(m -> m.withStage(stage));
  }

  /** The --attacks selection, with --pair-rounds applied; model-driven attacks need --attacker. */
  private Attacks.Selection selection() {
    Attacks.Selection chosen = attack.select(attacks);
    if (answers == null) {
      attack.requireAttacker(chosen);
    } else if (chosen.needsAttacker() || !languages.isEmpty()) {
      throw new BadInputException("--answers evaluates answers already given: model-driven attacks and --languages"
          + " need --model");
    }
    return chosen;
  }
}
