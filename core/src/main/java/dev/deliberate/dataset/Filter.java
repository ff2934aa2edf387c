package dev.deliberate.dataset;

import dev.deliberate.data.Prompt;
import dev.deliberate.generate.Sample;
import dev.deliberate.generate.TextChecks;
import dev.deliberate.judge.SampleJudgments;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * From judged samples to spec-free training examples. Each sample is dropped for the first reason that applies, in
 * this order: its generation drop; no judgment (or a failed one: {@code judge_failed}); a failed verdict; flagged suspicious (when so configured); score
 * below the threshold; spec text copied into it; a better sample of the same prompt survived (best-of-K); a
 * duplicate of an earlier example; its category is full. The order of the output is deterministic: by category,
 * then score (highest first), then id.
 */
public final class Filter {
  private final FilterOptions options;
  private final SpecTextCheck specText;

  public Filter(FilterOptions options, SpecTextCheck specText) {
    this.options = options;
    this.specText = specText;
  }

  public record Result(List<SftExample> examples, FilterSummary summary) {}

  public Result apply(Map<String, Prompt> prompts, List<Sample> samples, Map<String, SampleJudgments> judgmentsBySample) {
    return apply(prompts, samples, judgmentsBySample, Set.of());
  }

  /** As above; {@code failedJudgments} are the samples whose judge record failed (dropped as {@code judge_failed}). */
  public Result apply(Map<String, Prompt> prompts, List<Sample> samples, Map<String, SampleJudgments> judgmentsBySample,
      Set<String> failedJudgments) {
    Map<String, Map<String, Integer>> dropped = new TreeMap<>();
    List<Candidate> passing = new ArrayList<>();
    for (Sample sample : samples) {
      Prompt prompt = prompts.get(sample.promptId());
      String category = prompt == null || prompt.category() == null ? "(none)" : prompt.category();
      Optional<String> reason = reject(prompt, sample, judgmentsBySample.get(sample.id()),
          failedJudgments.contains(sample.id()));
      if (reason.isPresent()) {
        count(dropped, category, reason.get());
        continue;
      }
      SampleJudgments j = judgmentsBySample.get(sample.id());
      SftExample example = SftExample.of(prompt, sample, j.min());
      if (specText.find(example).isPresent()) {
        count(dropped, category, "spec_text");
        continue;
      }
      passing.add(new Candidate(example, sample.index(), j.min(), j.mean()));
    }
    Comparator<Candidate> best = Comparator.comparingDouble(Candidate::min).reversed()
        .thenComparing(Comparator.comparingDouble(Candidate::mean).reversed())
        .thenComparingInt(Candidate::index)
        .thenComparing(c -> c.example().id());
    passing.sort(Comparator.comparing((Candidate c) -> c.example().category()).thenComparing(best));

    List<SftExample> kept = new ArrayList<>();
    Set<String> promptsDone = new HashSet<>();
    Set<String> seen = new HashSet<>();
    Map<String, Integer> keptByCategory = new LinkedHashMap<>();
    for (Candidate c : passing) {
      SftExample e = c.example();
      if (options.bestOfK() && !promptsDone.add(e.promptId())) {
        count(dropped, e.category(), "not_best_of_k");
        continue;
      }
      String key = TextChecks.normalise(String.join("\n", e.promptMessages().stream().map(m -> m.content()).toList()))
          + "\u0000" + TextChecks.normalise(e.answer());
      if (options.dedup() && !seen.add(key)) {
        count(dropped, e.category(), "duplicate");
        continue;
      }
      int already = keptByCategory.getOrDefault(e.category(), 0);
      if (options.categoryCap() != null && already >= options.categoryCap()) {
        count(dropped, e.category(), "category_cap");
        continue;
      }
      keptByCategory.put(e.category(), already + 1);
      kept.add(e);
    }
    return new Result(kept, new FilterSummary(kept.size(), new TreeMap<>(keptByCategory), dropped));
  }

  private Optional<String> reject(Prompt prompt, Sample sample, SampleJudgments j, boolean judgeFailed) {
    if (prompt == null) {
      return Optional.of("unknown_prompt");
    }
    if (!sample.ok()) {
      return Optional.of(sample.drop().wireName());
    }
    if (j == null) {
      return Optional.of(judgeFailed ? "judge_failed" : "unjudged");
    }
    if (j.failures() > 0) {
      return Optional.of("judge_failed");
    }
    if (options.dropSuspicious() && j.suspicious()) {
      return Optional.of("suspicious");
    }
    if (j.min() < options.threshold()) {
      return Optional.of("below_threshold");
    }
    return Optional.empty();
  }

  private static void count(Map<String, Map<String, Integer>> dropped, String category, String reason) {
    dropped.computeIfAbsent(category, k -> new TreeMap<>()).merge(reason, 1, Integer::sum);
  }

  private record Candidate(SftExample example, int index, double min, double mean) {}
}
