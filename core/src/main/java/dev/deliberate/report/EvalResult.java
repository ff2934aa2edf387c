package dev.deliberate.report;

import dev.deliberate.BadInputException;
import dev.deliberate.eval.EvalFiles;
import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.eval.Evaluation;
import dev.deliberate.eval.GradedAnswer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One model's finished evaluation as the report reads it: its metrics and its graded samples. */
public record EvalResult(Path dir, String label, EvalMetrics metrics, List<GradedAnswer> samples) {
  /**
   * The evaluations under a path: an eval directory itself (holding {@code metrics.json}), or a run directory
   * whose {@code eval/} holds one eval directory per model.
   */
  public static List<EvalResult> load(Path path) throws IOException {
    if (Files.isRegularFile(path.resolve(Evaluation.METRICS))) {
      return List.of(loadOne(path));
    }
    Path evals = path.resolve("eval");
    List<EvalResult> out = new ArrayList<>();
    if (Files.isDirectory(evals)) {
      try (Stream<Path> children = Files.list(evals)) {
        for (Path child : children.sorted().toList()) {
          if (Files.isRegularFile(child.resolve(Evaluation.METRICS))) {
            out.add(loadOne(child));
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new BadInputException(path + ": no " + Evaluation.METRICS + " here or in " + evals
          + "/*/ (run 'deliberate eval ... --out DIR' first)");
    }
    return out;
  }

  static EvalResult loadOne(Path dir) throws IOException {
    EvalMetrics metrics = EvalMetrics.read(dir.resolve(Evaluation.METRICS));
    List<GradedAnswer> samples = EvalFiles.readDoneList(dir.resolve(Evaluation.GRADES), GradedAnswer.class);
    return new EvalResult(dir, metrics.model(), metrics, samples);
  }

  /** Gives each result a unique label: the model id, with the directory name added where ids repeat. */
  public static List<EvalResult> labelled(List<EvalResult> results) {
    List<EvalResult> out = new ArrayList<>();
    for (EvalResult r : results) {
      long same = results.stream().filter(o -> o.metrics().model().equals(r.metrics().model())).count();
      String label = same > 1 ? r.metrics().model() + " (" + r.dir().getFileName() + ")" : r.metrics().model();
      out.add(new EvalResult(r.dir(), label, r.metrics(), r.samples()));
    }
    return out;
  }
}
