package dev.deliberate.eval;

import dev.deliberate.data.JsonlAppender;
import dev.deliberate.data.Prompt;
import dev.deliberate.judge.Grade;
import dev.deliberate.judge.Grader;
import dev.deliberate.judge.StyleReader;
import dev.deliberate.spec.Style;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One model's evaluation in three resumable steps, each writing its file under the eval directory:
 * answers ({@code answers.jsonl}) → grades ({@code grades.jsonl}) → metrics ({@code metrics.json}). A rerun reads
 * what is there and only does what is missing or failed, so a finished evaluation rerun makes no model call.
 */
public final class Evaluation {
  public static final String ANSWERS = "answers.jsonl";
  public static final String GRADES = "grades.jsonl";
  public static final String METRICS = "metrics.json";

  /** A prompt and the suite it is evaluated in. */
  public record SuitePrompt(String suite, Prompt prompt) {}

  private final Path dir;
  private final Grader grader;
  private final long seed;
  private final Consumer<String> progress;

  public Evaluation(Path dir, Grader grader, long seed, Consumer<String> progress) {
    this.dir = dir;
    this.grader = grader;
    this.seed = seed;
    this.progress = progress;
  }

  /** Runs all three steps and returns the metrics written. */
  public EvalMetrics run(List<SuitePrompt> prompts, Answerer answerer) throws IOException {
    List<Answer> answers = answer(prompts, answerer);
    List<Answer> usable = answers.stream().filter(Answer::ok).toList();
    List<Sample> samples = grade(usable);
    EvalMetrics metrics = EvalMetrics.compute(answerer.id(), grader.id(), seed, samples, answers.size() - usable.size());
    metrics.write(dir.resolve(METRICS));
    return metrics;
  }

  /** Step 1: an answer for every prompt, reusing the answers file. */
  public List<Answer> answer(List<SuitePrompt> prompts, Answerer answerer) throws IOException {
    Path file = dir.resolve(ANSWERS);
    List<Answer> out = new ArrayList<>();
    int asked = 0;
    // Opening the appender first cuts off a line torn by a crash; that answer is then simply asked again.
    try (JsonlAppender appender = JsonlAppender.open(file)) {
      Map<String, Answer> done = new LinkedHashMap<>();
      for (Answer a : EvalFiles.readJsonl(file, Answer.class)) {
        done.put(a.id(), a); // a later line (a retried failure) replaces an earlier one
      }
      for (SuitePrompt sp : prompts) {
        Answer existing = done.get(Answer.idFor(answerer.id(), sp.prompt().id()));
        if (existing != null && existing.ok()) {
          out.add(existing);
          continue;
        }
        Answer fresh = answerer.answer(sp.suite(), sp.prompt());
        appender.append(fresh);
        out.add(fresh);
        asked++;
        if (asked % 25 == 0) {
          progress.accept("answered " + asked + " new prompts (" + out.size() + "/" + prompts.size() + ")");
        }
      }
    }
    long failed = out.stream().filter(a -> !a.ok()).count();
    progress.accept("answers: " + out.size() + " (" + asked + " new, " + failed + " failed)");
    return out;
  }

  /** Step 2: a grade for every usable answer, reusing the grades file. */
  public List<Sample> grade(List<Answer> answers) throws IOException {
    Path file = dir.resolve(GRADES);
    List<Sample> out = new ArrayList<>();
    int graded = 0;
    try (JsonlAppender appender = JsonlAppender.open(file)) {
      Map<String, Sample> done = new LinkedHashMap<>();
      for (Sample s : EvalFiles.readJsonl(file, Sample.class)) {
        done.put(s.id(), s);
      }
      for (Answer a : answers) {
        Sample existing = done.get(Sample.idFor(a.id(), grader.id()));
        if (existing != null && existing.grade().ok()) {
          out.add(existing);
          continue;
        }
        Sample fresh = sample(a, grader);
        appender.append(fresh);
        out.add(fresh);
        graded++;
        if (graded % 25 == 0) {
          progress.accept("graded " + graded + " new answers (" + out.size() + "/" + answers.size() + ")");
        }
      }
    }
    long failed = out.stream().filter(s -> !s.grade().ok()).count();
    progress.accept("grades: " + out.size() + " (" + graded + " new, " + failed + " failed)");
    return out;
  }

  /**
   * Grades one answer the way its suite asks: StrongREJECT and custom prompts that should not be fulfilled get the
   * harm rubric; XSTest prompts and benign custom prompts get the three-class verdict. Style and citations are
   * read from the text for every prompt that has an expected style or a chain of thought.
   */
  public static Sample sample(Answer a, Grader grader) {
    Prompt p = a.prompt();
    boolean benign = p.expected() == Style.COMPLY;
    boolean rubric = a.suite().equals(Suites.STRONGREJECT) || (!a.suite().equals(Suites.XSTEST) && !benign);
    Grade grade = rubric ? grader.rubric(p.request(), a.content()) : grader.classify(p.request(), a.content());
    Double harm = null;
    Boolean unsafe = null;
    Boolean overrefused = null;
    if (grade.ok()) {
      if (rubric) {
        harm = Metrics.harm(grade.refused(), grade.convincing(), grade.specific());
        unsafe = Metrics.unsafeByHarm(harm);
      } else if (benign) {
        overrefused = Metrics.overrefused(grade.verdict());
      } else {
        unsafe = Metrics.unsafeByClass(grade.verdict());
      }
    }
    Style style = null;
    Boolean styleOk = null;
    if (p.expected() != null) {
      StyleReader.Reading reading = StyleReader.read(a.content());
      style = reading.style();
      styleOk = Metrics.styleAdheres(p.expected(), reading.style()) && reading.formOk();
    }
    Boolean cites = a.reasoning().isBlank() || p.category() == null ? null : Metrics.citesCategory(a.reasoning(), p.category());
    return new Sample(Sample.idFor(a.id(), grader.id()), a.id(), a.suite(), p.id(), p.category(), p.attack(),
        p.expected(), p.text(), p.request(), a.reasoning(), a.content(), grade, harm, unsafe, overrefused, style,
        styleOk, cites);
  }
}
