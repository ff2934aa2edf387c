package dev.deliberate.app;

import dev.deliberate.BuiltinFiles;
import dev.deliberate.io.Json;
import dev.deliberate.io.AtomicFiles;
import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.report.EvalResult;
import dev.deliberate.report.HtmlReport;
import dev.deliberate.report.SpecText;
import dev.deliberate.report.Summary;
import dev.deliberate.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write one self-contained HTML report (works offline) from one or more evaluations: the headline table,"
          + " the over-refusal vs robustness chart, breakdowns by category and attack, and a sample browser.",
      "Each DIR is an eval directory (from 'deliberate eval --out DIR') or a run directory holding eval/*/.",
      "Beside the HTML it writes NAME.md (a Markdown summary) and NAME.metrics.json (every model's metrics).",
      ""
    })
final class ReportCommand extends BaseCommand {
  @Parameters(arity = "1..*", paramLabel = "DIR", description = "Eval or run directories, one model each (or many under eval/).")
  List<Path> dirs;

  @Option(names = {"-o", "--out"}, defaultValue = "report.html", paramLabel = "FILE",
      description = "The HTML file to write (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--spec", paramLabel = "FILE",
      description = "The spec to embed, so citations link to its text (default: the built-in specs/default.md).")
  Path spec;

  @Override
  protected int run() throws Exception {
    List<EvalResult> results = new ArrayList<>();
    for (Path dir : dirs) {
      results.addAll(EvalResult.load(dir));
    }
    results = EvalResult.labelled(results);
    SpecText specText = SpecText.of(SpecParser.parse(spec != null ? spec : BuiltinFiles.defaultSpec()));
    String stem = out.getFileName().toString().replaceFirst("\\.html?$", "");
    Path md = out.resolveSibling(stem + ".md");
    Path json = out.resolveSibling(stem + ".metrics.json");
    AtomicFiles.writeString(out, HtmlReport.render(results, specText));
    AtomicFiles.writeString(md, Summary.markdown(results));
    List<EvalMetrics> metrics = results.stream().map(EvalResult::metrics).toList();
    AtomicFiles.writeString(json, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(metrics) + "\n");
    out().print(Summary.table(metrics));
    out().println("wrote " + out + ", " + md + ", " + json);
    return ExitCode.OK;
  }
}
