package dev.deliberate.pipeline;

import dev.deliberate.generate.ReferenceGenerator;
import dev.deliberate.run.StageModels;
import dev.deliberate.run.ModelSettings;
import dev.deliberate.data.Prompt;
import dev.deliberate.eval.Evaluation;
import dev.deliberate.eval.Suites;
import dev.deliberate.run.ClientBenchmark;
import dev.deliberate.run.RunDirectory;
import dev.deliberate.spec.Style;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark of {@code deliberate eval}'s path (EvalStage: StageModels with cache and retries, the stage executor,
 * answers then reference grades then metrics) against a loopback server in another process that answers after L ms.
 * Not a unit test: run {@code bench/eval.sh}. Prints the eval's wall time as a ratio of the ideal N·L/C (1.0 = no
 * overhead; target at least 0.9) and, as the same-run baseline, bare HTTP calls from C threads to the same server.
 * Arguments: the server's base URL, then optionally N, L in ms, C.
 */
public final class EvalBenchmark {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 640;
    long latencyMs = args.length > 2 ? Long.parseLong(args[2]) : 200;
    int c = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    Path work = Files.createTempDirectory("deliberate-eval-bench");
    PrintWriter quiet = new PrintWriter(java.io.OutputStream.nullOutputStream());
    try {
      // Warm the JIT and the connection pool on other prompts so the measurement sees the steady state.
      eval(url, work.resolve("warm"), prompts(2_000, "warm"), c, quiet);

      double ideal = n * latencyMs / 1000.0 / c;
      long start = System.nanoTime();
      Evaluation.Result r = eval(url, work.resolve("measured"), prompts(n, "p"), c, quiet);
      double seconds = (System.nanoTime() - start) / 1e9;
      double baseline = ClientBenchmark.rawHttp(url, n, c);
      // Grading starts with answering and overlaps it; what follows the last grade is the metrics and the files.
      System.out.printf("steps: answers %.2f s, grades (overlapping) done at %.2f s, metrics and the rest %.2f s%n",
          r.answers().elapsed().toMillis() / 1e3, r.grades().elapsed().toMillis() / 1e3,
          seconds - r.grades().elapsed().toMillis() / 1e3);
      System.out.printf("eval: %d prompts, L=%d ms, C=%d: %.2f s measured (answers, grades, metrics), %.2f s ideal "
          + "(N*L/C), ratio %.3f (target >= 0.9); %d graded, %d failed%n", n, latencyMs, c, seconds, ideal,
          ideal / seconds, r.metrics().counts().get("graded"), r.failures());
      System.out.printf("baseline: bare HTTP calls from %d threads to the same server took %.2f s (ratio to ideal %.3f); "
          + "eval reaches %.3f of the baseline; %d bare-call errors%n", c, baseline, ideal / baseline, baseline / seconds,
          ClientBenchmark.rawErrors.get());
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static List<Evaluation.SuitePrompt> prompts(int count, String prefix) {
    List<Evaluation.SuitePrompt> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Style expected = i % 2 == 0 ? Style.COMPLY : Style.REFUSE;
      out.add(new Evaluation.SuitePrompt(Suites.XSTEST,
          Prompt.of(prefix + " benchmark question " + i + ": how do I do this ordinary thing?", null, expected, Suites.XSTEST, Map.of())));
    }
    return out;
  }

  private static Evaluation.Result eval(String url, Path dir, List<Evaluation.SuitePrompt> prompts, int c,
      PrintWriter log) {
    RunDirectory run = RunDirectory.open(dir, "bench");
    try (StageModels models = new StageModels(run, ReferenceGenerator.resolver())) {
      ModelSettings settings = ModelSettings.of(url + "#bench", null, c, 60.0, 5, c);
      return EvalStage.run(new EvalStage.Job(null, dir, settings, "reference", settings, null, 1, prompts), models, log);
    }
  }
}
