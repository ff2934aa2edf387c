package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.attack.Attack;
import dev.deliberate.attack.Attacks;
import dev.deliberate.data.Prompt;
import dev.deliberate.eval.Answerer;
import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.eval.Evaluation;
import dev.deliberate.eval.Evaluation.SuitePrompt;
import dev.deliberate.eval.ModelAnswerer;
import dev.deliberate.eval.PrecomputedAnswers;
import dev.deliberate.eval.Suites;
import dev.deliberate.judge.Graders;
import dev.deliberate.report.Summary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
      "Writes answers.jsonl, grades.jsonl and metrics.json under --out; rerunning resumes where it stopped and"
          + " makes no model call for work already done. 'deliberate report DIR' turns the directory into a page.",
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

  @Option(names = "--attacks", defaultValue = "none", paramLabel = "none|all|NAME,...",
      description = "Jailbreak attacks applied to every StrongREJECT prompt, which is also asked plain"
          + " (default: ${DEFAULT-VALUE}; see 'deliberate data attacks --list').")
  String attacks;

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

  @Option(names = "--seed", defaultValue = "1", description = "Seed for answering and the bootstrap (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-tokens", paramLabel = "N", description = "Longest answer to ask for.")
  Integer maxTokens;

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
    Answerer answerer;
    List<SuitePrompt> prompts;
    if (answers != null) {
      PrecomputedAnswers precomputed = new PrecomputedAnswers(answers);
      answerer = precomputed;
      prompts = precomputed.prompts();
    } else {
      answerer = new ModelAnswerer(ModelStrings.resolve(model), seed, maxTokens);
      prompts = suitePrompts();
    }
    Files.createDirectories(out);
    Evaluation evaluation = new Evaluation(out, Graders.named(grader, ModelStrings::resolve), seed, err()::println);
    err().println("evaluating " + answerer.id() + " on " + prompts.size() + " prompts, grader " + grader);
    EvalMetrics metrics = evaluation.run(prompts, answerer);
    out().print(Summary.table(List.of(metrics)));
    out().println("wrote " + out.resolve(Evaluation.METRICS));
    return metrics.counts().get("answer_failures") + metrics.counts().get("grade_failures") > 0
        ? ExitCode.FAILURE : ExitCode.OK;
  }

  private List<SuitePrompt> suitePrompts() throws Exception {
    List<Attack> chosen = attacks.strip().equals("none") ? List.of() : Attacks.parse(attacks);
    List<SuitePrompt> prompts = new ArrayList<>();
    for (String suite : suites) {
      String name = suite.strip();
      if (name.equals(Suites.STRONGREJECT)) {
        for (Prompt plain : limited(Suites.strongReject(benchmarks.path()))) {
          for (Prompt p : Attacks.expand(plain, chosen, true)) {
            prompts.add(new SuitePrompt(Suites.STRONGREJECT, p));
          }
        }
      } else if (name.equals(Suites.XSTEST)) {
        limited(Suites.xsTest(benchmarks.path())).forEach(p -> prompts.add(new SuitePrompt(Suites.XSTEST, p)));
      } else {
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
          throw new BadInputException("--suite " + name + ": expected strongreject, xstest or a prompt JSONL file");
        }
        String suiteName = Suites.customName(file);
        limited(Suites.custom(file)).forEach(p -> prompts.add(new SuitePrompt(suiteName, p)));
      }
    }
    return prompts;
  }

  private List<Prompt> limited(List<Prompt> prompts) {
    return limit == null ? prompts : Suites.spread(prompts, limit);
  }
}
