package dev.deliberate.serve;

import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.generate.Classifier;
import dev.deliberate.generate.LabelClassifier;
import dev.deliberate.judge.Judge;
import dev.deliberate.judge.JudgeInput;
import dev.deliberate.judge.Judgment;
import dev.deliberate.judge.RefusalClass;
import dev.deliberate.judge.StyleReader;
import dev.deliberate.model.ReasoningSplitter;
import dev.deliberate.run.UnusableReply;
import dev.deliberate.spec.Spec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Scores responses with a judge holding spec(category). An item without a category (an empty label: OpenRLHF sends
 * {@code ""} when a run has no label key) is classified first by the {@link Classifier} (with a model judge, the
 * judge model picking from the spec's categories through the run machinery and its cache; each distinct prompt of
 * a batch is classified once). When the classifier finds no category (the reference classifier, which only reads
 * labels, never guesses from the text), the item gets the neutral score {@value #UNCLASSIFIED_SCORE} with no judge
 * call: the same for every response to the prompt, so under group-normalised RL (GRPO, RLOO) it teaches neither
 * refusing nor complying, and nothing in the response can raise it. A classifier reply that names no category
 * fails the judgment (NaN), as a malformed verdict does. The chain of thought is cut by {@link ReasoningSplitter} before
 * anything is given to the judge, and the judge input says the reasoning is hidden. A response that is all reasoning
 * (cut off while thinking) scores 0 without asking the judge: a user would get no answer, so it must not be paid.
 * A judgment that failed (malformed judge output) has no score (NaN, by the one rule of {@link Judgment#reward})
 * and carries its failure. A judge call that throws (the judge model is unreachable) fails the whole batch: a
 * silent 0 would teach the policy something false.
 */
public final class RewardScorer {
  /** Source recorded on the prompts built from requests. */
  static final String SOURCE = "reward-server";

  /** The score of an item whose category nobody could tell: neither a reward nor a punishment. */
  public static final double UNCLASSIFIED_SCORE = 0.5;

  private final Judge judge;
  private final Classifier classifier;
  private final Map<String, String> excerpts = new LinkedHashMap<>();

  /** A scorer whose unlabelled items go to the reference classifier (labels only: they stay unclassified). */
  public RewardScorer(Judge judge, Spec spec) {
    this(judge, new LabelClassifier(spec), spec);
  }

  public RewardScorer(Judge judge, Classifier classifier, Spec spec) {
    this.judge = judge;
    this.classifier = classifier;
    for (dev.deliberate.spec.Category category : spec.categories()) {
      excerpts.put(category.anchor(), spec.excerpt(category.anchor()));
    }
  }

  public Judge judge() {
    return judge;
  }

  /**
   * One scored response.
   *
   * @param score the reward in [0, 1]; NaN when the judgment failed
   * @param criteria the judge's per-criterion scores (empty when the judge was not asked or failed)
   * @param rationale the judge's reason
   * @param suspicious the judge found text addressed to it in the answer
   * @param failure null, or why no valid verdict was had (the score is then NaN), or why none was asked for (an
   *     answer that is all reasoning, scored 0)
   * @param reasoningRemoved whether reasoning was cut out of the response before judging
   * @param refusal the refusal class the project's one style reader ({@link StyleReader}) reads in the answer the
   *     judge saw, so a trainer can watch over-refusal the way the built-in RL trainer does
   * @param category the category the response was judged under, or null when none was given or found
   * @param classified whether the item came without a category (and the scorer classified it, or found none)
   */
  public record Scored(
      double score, Map<String, Double> criteria, String rationale, boolean suspicious, String failure,
      boolean reasoningRemoved, RefusalClass refusal, String category, boolean classified) {}

  /** The category of an item: given, classified, not found ({@code anchor} null), or failed ({@code failure}). */
  private record Category(String anchor, boolean classified, String failure) {
    static Category given(String anchor) {
      return new Category(anchor, false, null);
    }
  }

  /** A judge call threw; the request cannot be answered honestly. */
  public static final class JudgeCallFailed extends RuntimeException {
    JudgeCallFailed(int index, Throwable cause) {
      super("judge call failed for item " + index + ": " + cause.getMessage(), cause);
    }
  }

  /** Scores one response (classifying its prompt first when it has no category). */
  public Scored score(RewardItem item) {
    return score(item, item.category() != null ? Category.given(item.category()) : classify(item.messages()));
  }

  /** The category of an unlabelled prompt; a failed model call is thrown (the batch cannot be answered honestly). */
  private Category classify(List<Message> messages) {
    Prompt prompt = new Prompt(null, messages, null, null, SOURCE, null, null, Map.of());
    try {
      return new Category(classifier.classify(prompt).orElse(null), true, null);
    } catch (UnusableReply e) {
      return new Category(null, true, "could not classify the unlabelled prompt: " + e.getMessage());
    }
  }

  private Scored score(RewardItem item, Category category) {
    ReasoningSplitter.Split stripped = ReasoningSplitter.split(item.response());
    RefusalClass refusal = StyleReader.read(stripped.answer()).refusal();
    if (stripped.answer().isEmpty()) {
      return new Scored(0.0, Map.of(), "", false, "no answer after the reasoning", stripped.marked(), refusal,
          category.anchor(), category.classified());
    }
    if (category.failure() != null) {
      return new Scored(Double.NaN, Map.of(), "", false, category.failure(), stripped.marked(), refusal, null, true);
    }
    if (category.anchor() == null) {
      return new Scored(UNCLASSIFIED_SCORE, Map.of(), "unlabelled prompt and no category found by " + classifier.id()
          + ": neutral score", false, null, stripped.marked(), refusal, null, true);
    }
    Prompt prompt = new Prompt(null, item.messages(), category.anchor(), item.expected(), SOURCE, null, null, Map.of());
    JudgeInput input = new JudgeInput(excerpts.get(category.anchor()), prompt, null, stripped.answer(), null);
    Judgment judgment = judge.judge(input);
    return new Scored(judgment.reward(), judgment.criteria(), judgment.rationale(), judgment.suspicious(),
        judgment.failure(), stripped.marked(), refusal, category.anchor(), category.classified());
  }

  /** Scores every item on {@code pool}, in parallel, and returns the results in the items' order. */
  public List<Scored> scoreAll(List<RewardItem> items, Executor pool) {
    // The responses of a group share their prompt: each distinct unlabelled prompt is classified once.
    Map<List<Message>, CompletableFuture<Category>> categories = new HashMap<>();
    List<CompletableFuture<Scored>> futures = new ArrayList<>(items.size());
    for (RewardItem item : items) {
      CompletableFuture<Category> category = item.category() != null
          ? CompletableFuture.completedFuture(Category.given(item.category()))
          : categories.computeIfAbsent(item.messages(), m -> CompletableFuture.supplyAsync(() -> classify(m), pool));
      futures.add(category.thenApplyAsync(c -> score(item, c), pool));
    }
    List<Scored> results = new ArrayList<>(items.size());
    RuntimeException failed = null;
    for (int i = 0; i < futures.size(); i++) {
      try {
        results.add(futures.get(i).join());
      } catch (CompletionException e) {
        // Keep joining the rest so that no judge call is left running unobserved.
        if (failed == null) {
          failed = new JudgeCallFailed(i, e.getCause() == null ? e : e.getCause());
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
    return results;
  }
}
