package dev.deliberate.serve;

import dev.deliberate.data.Prompt;
import dev.deliberate.judge.Judge;
import dev.deliberate.judge.JudgeInput;
import dev.deliberate.judge.Judgment;
import dev.deliberate.judge.RefusalClass;
import dev.deliberate.judge.StyleReader;
import dev.deliberate.model.ReasoningSplitter;
import dev.deliberate.spec.Category;
import dev.deliberate.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Scores responses with a judge holding spec(category). The chain of thought is cut by {@link ReasoningSplitter} before
 * anything is given to the judge, and the judge input says the reasoning is hidden. A response that is all reasoning
 * (cut off while thinking) scores 0 without asking the judge: a user would get no answer, so it must not be paid.
 * A judgment that failed (malformed judge output) has no score (NaN, by the one rule of {@link Judgment#reward})
 * and carries its failure. A judge call that throws (the judge model is unreachable) fails the whole batch: a
 * silent 0 would teach the policy something false.
 */
public final class RewardScorer {
  /** Source recorded on the prompts built from requests. */
  static final String SOURCE = "reward-server";

  private final Judge judge;
  private final Map<String, String> excerpts = new LinkedHashMap<>();

  public RewardScorer(Judge judge, Spec spec) {
    this.judge = judge;
    for (Category category : spec.categories()) {
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
   */
  public record Scored(
      double score, Map<String, Double> criteria, String rationale, boolean suspicious, String failure,
      boolean reasoningRemoved, RefusalClass refusal) {}

  /** A judge call threw; the request cannot be answered honestly. */
  public static final class JudgeCallFailed extends RuntimeException {
    JudgeCallFailed(int index, Throwable cause) {
      super("judge call failed for item " + index + ": " + cause.getMessage(), cause);
    }
  }

  /** Scores one response. */
  public Scored score(RewardItem item) {
    ReasoningSplitter.Split stripped = ReasoningSplitter.split(item.response());
    if (stripped.answer().isEmpty()) {
      return new Scored(0.0, Map.of(), "", false, "no answer after the reasoning", stripped.marked(),
          StyleReader.read(stripped.answer()).refusal());
    }
    Prompt prompt = new Prompt(null, item.messages(), item.category(), item.expected(), SOURCE, null, null, Map.of());
    JudgeInput input = new JudgeInput(excerpts.get(item.category()), prompt, null, stripped.answer(), null);
    Judgment judgment = judge.judge(input);
    return new Scored(judgment.reward(), judgment.criteria(), judgment.rationale(), judgment.suspicious(),
        judgment.failure(), stripped.marked(), StyleReader.read(stripped.answer()).refusal());
  }

  /** Scores every item on {@code pool}, in parallel, and returns the results in the items' order. */
  public List<Scored> scoreAll(List<RewardItem> items, Executor pool) {
    List<CompletableFuture<Scored>> futures = new ArrayList<>(items.size());
    for (RewardItem item : items) {
      futures.add(CompletableFuture.supplyAsync(() -> score(item), pool));
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
