package dev.deliberate.eval;

import dev.deliberate.data.Prompt;
import dev.deliberate.judge.Grade;
import dev.deliberate.judge.Grader;
import dev.deliberate.judge.StyleReader;
import dev.deliberate.spec.Style;
import dev.deliberate.run.StageExecutor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One model's evaluation in three resumable steps, each writing its file under the eval directory: answers
 * ({@code answers.jsonl}) → grades ({@code grades.jsonl}) → metrics ({@code metrics.json}). Answering and grading
 * overlap (an answer is graded as soon as it is made) and each runs on the {@link StageExecutor}: {@code concurrency} records at once, one line per record appended as it
 * finishes ({@code done} with the record's fields, or {@code failed} with the reason), done records skipped on a
 * rerun and failed ones tried again. An answer's id is derived from everything that made it ({@link Answerer#key})
 * and a grade's from its answer and the grader ({@link Grader#key}), so a record is reused exactly when what made
 * it is unchanged; records of an earlier configuration are removed from the files once this one has run. A
 * finished evaluation rerun makes no model call.
 */
public final class Evaluation {
  public static final String ANSWERS = "answers.jsonl";
  public static final String GRADES = "grades.jsonl";
  public static final String METRICS = "metrics.json";

  /** A prompt and the suite it is evaluated in. */
  public record SuitePrompt(String suite, Prompt prompt) {}

  /**
   * How an evaluation went. {@code metrics} is null when it was interrupted (Ctrl-C): the finished records are
   * saved and a rerun resumes. {@code answers} and {@code grades} are the two steps' executor summaries ({@code
   * grades} null when interrupted while answering).
   */
  public record Result(EvalMetrics metrics, boolean interrupted, StageExecutor.Summary answers,
      StageExecutor.Summary grades) {
    /** Prompts with no answer plus answers with no grade, after this run. */
    public long failures() {
      return metrics == null ? 0 : metrics.counts().get("answer_failures") + metrics.counts().get("grade_failures");
    }
  }

  private final Path dir;
  private final Grader grader;
  private final long seed;
  private final int concurrency;
  private final PrintWriter log;

  /**
   * @param concurrency records answered or graded at once (a remote model's parallel requests; a local model's batch)
   * @param log where progress and each step's summary go
   */
  public Evaluation(Path dir, Grader grader, long seed, int concurrency, PrintWriter log) {
    this.dir = dir;
    this.grader = grader;
    this.seed = seed;
    this.concurrency = concurrency;
    this.log = log;
  }

  /** Runs all three steps; writes the metrics unless interrupted. */
  public Result run(List<SuitePrompt> prompts, Answerer answerer) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    record Ask(String id, SuitePrompt prompt) {}
    List<Ask> asks = prompts.stream().map(sp -> new Ask(Answer.idFor(answerer.key(sp.prompt())), sp)).toList();
    Path answersFile = dir.resolve(ANSWERS);
    Path gradesFile = dir.resolve(GRADES);

    // Steps 1 and 2 overlap: each answer is handed to the grading executor as soon as it is made, so grading
    // (a model grader's latency, or the offline graders' CPU) hides behind the answers still in flight. Answers
    // from an earlier run follow once answering is over. A grade may thus be written before its answer's line; a
    // kill between the two asks for the answer again (the cache has it) under the same id, and the grade is kept.
    GradeFeed feed = new GradeFeed();
    AtomicReference<StageExecutor.Summary> grading = new AtomicReference<>();
    AtomicReference<RuntimeException> gradingFailed = new AtomicReference<>();
    Thread gradingThread = new Thread(() -> {
      try {
        grading.set(new StageExecutor<Answer>(gradesFile, a -> GradedAnswer.idFor(a.id(), grader.key()),
            a -> graded(a, grader), StageExecutor.Options.of("grades", concurrency, log))
            .run(feed, asks.size()));
      } catch (RuntimeException e) {
        gradingFailed.set(e);
      }
    }, "eval-grades");
    gradingThread.setDaemon(true);
    gradingThread.start();
    StageExecutor.Summary answering;
    try {
      answering = new StageExecutor<Ask>(answersFile, Ask::id, a -> {
        Answer answer = answerer.answer(a.prompt().suite(), a.prompt().prompt()).withId(a.id());
        feed.add(answer);
        return answer;
      }, StageExecutor.Options.of("answers", concurrency, log)).run(asks.iterator(), asks.size());
    } catch (RuntimeException e) {
      feed.end();
      throw e;
    }
    Map<String, Answer> answered = EvalFiles.readDone(answersFile, Answer.class);
    List<Answer> answers = new ArrayList<>();
    Set<String> answerIds = new LinkedHashSet<>();
    for (Ask a : asks) {
      Answer done = answered.get(a.id());
      if (answerIds.add(a.id()) && done != null) {
        answers.add(done);
      }
    }
    if (!answering.interrupted()) {
      answers.forEach(feed::add); // those of earlier runs; the feed skips any already handed over
    }
    feed.end();
    try {
      gradingThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(null, true, answering, grading.get());
    }
    if (gradingFailed.get() != null) {
      throw gradingFailed.get();
    }
    if (answering.interrupted() || grading.get().interrupted()) {
      return new Result(null, true, answering, grading.get());
    }
    Map<String, GradedAnswer> gradedById = EvalFiles.readDone(gradesFile, GradedAnswer.class);
    List<GradedAnswer> samples = new ArrayList<>();
    Set<String> gradeIds = new LinkedHashSet<>();
    for (Answer a : answers) {
      String id = GradedAnswer.idFor(a.id(), grader.key());
      gradeIds.add(id);
      GradedAnswer s = gradedById.get(id);
      if (s != null) {
        samples.add(s);
      }
    }
    int stale = EvalFiles.keepOnly(answersFile, answerIds) + EvalFiles.keepOnly(gradesFile, gradeIds);
    if (stale > 0) {
      log.println("eval: removed " + stale + " records of an earlier configuration from " + dir);
    }

    // Step 3: metrics.
    int answerFailures = prompts.size() - answers.size();
    int gradeFailures = answers.size() - samples.size();
    EvalMetrics metrics = EvalMetrics.compute(answerer.id(), grader.id(), seed, samples, answerFailures, gradeFailures);
    try {
      metrics.write(dir.resolve(METRICS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(METRICS) + ": " + e.getMessage(), e);
    }
    log.flush();
    return new Result(metrics, false, answering, grading.get());
  }

  /**
   * The answers to grade, in the order they come, each once: an iterator whose {@code hasNext} waits for the
   * next answer until {@link #end}.
   */
  private static final class GradeFeed implements Iterator<Answer> {
    private static final Answer END = new Answer("", "", "", Prompt.of("", null, null, null, Map.of()), "", "");
    private final BlockingQueue<Answer> queue = new LinkedBlockingQueue<>();
    private final Set<String> handed = ConcurrentHashMap.newKeySet();
    private Answer next;

    void add(Answer a) {
      if (handed.add(a.id())) {
        queue.add(a);
      }
    }

    void end() {
      queue.add(END);
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          next = END;
        }
      }
      if (next == END) {
        queue.add(END); // stay ended
        return false;
      }
      return true;
    }

    @Override
    public Answer next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      Answer a = next;
      next = null;
      return a;
    }
  }

  /** A grade that could not be had: the record is failed with the grader's reason and graded again on a rerun. */
  static final class GradeFailed extends Exception {
    GradeFailed(String reason) {
      super(reason);
    }
  }

  private static GradedAnswer graded(Answer a, Grader grader) throws GradeFailed {
    GradedAnswer s = sample(a, grader);
    if (!s.grade().ok()) {
      throw new GradeFailed(s.grade().failure());
    }
    return s;
  }

  /**
   * Grades one answer the way its suite asks: StrongREJECT and custom prompts that should not be fulfilled get the
   * harm rubric; XSTest prompts and benign custom prompts get the three-class verdict. Style and citations are
   * read from the text for every prompt that has an expected style or a chain of thought.
   */
  public static GradedAnswer sample(Answer a, Grader grader) {
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
    return new GradedAnswer(GradedAnswer.idFor(a.id(), grader.key()), a.id(), a.suite(), p.id(), p.category(), p.attack(),
        p.expected(), p.text(), p.request(), a.reasoning(), a.content(), grade, harm, unsafe, overrefused, style,
        styleOk, cites, AttackingAnswerer.language(p), a.trace());
  }
}
