package dev.deliberate.engine.training;

import dev.deliberate.data.Prompt;
import dev.deliberate.judge.Judge;
import dev.deliberate.judge.JudgeInput;
import dev.deliberate.judge.Judgment;
import dev.deliberate.judge.RefusalClass;
import dev.deliberate.judge.StyleReader;
import dev.deliberate.model.ReasoningSplitter;
import dev.deliberate.spec.Spec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RL reward of one sampled answer: the judge's score, holding spec(category), of the final answer alone, plus an
 * optional small bonus for a well-formed turn that the judge pays for. The bonus is never paid on an answer the judge
 * scores 0 (a wrong decision): otherwise a well-formed harmful compliance would out-earn an empty or cut-off reply,
 * and of two failures GRPO would prefer the one that hands the user what the spec forbids. A turn with no answer at all (cut off while thinking, or nothing after
 * the reasoning) earns 0 without asking the judge: an empty reply is no help to anyone, and a judge that reads
 * silence as compliance would otherwise pay for it on benign prompts. The chain of thought is cut out before the judge input exists
 * (chainOfThought = null), so no judge, however written, can reward or punish the reasoning: the paper's guard
 * against pressure toward deceptive chains of thought.
 */
public final class JudgeReward {
  private final Judge judge;
  private final Spec spec;
  private final double formatWeight;
  private final Map<String, String> excerpts = new ConcurrentHashMap<>();

  /** The verdict on a turn without an answer; no judge is asked. */
  static final Judgment NO_ANSWER = new Judgment(0.0, Map.of(), "no answer after the reasoning", false, null);

  /**
   * @param formatWeight added to a score above 0 for a well-formed turn (see {@link #wellFormed}); 0 turns it off
   */
  public JudgeReward(Judge judge, Spec spec, double formatWeight) {
    this.judge = judge;
    this.spec = spec;
    this.formatWeight = formatWeight;
  }

  public String judgeId() {
    return judge.id();
  }

  /**
   * What an answer earned. {@code total} is NaN when the judge failed to give a verdict, by the project's one rule
   * for a failed judgment ({@link Judgment#reward}): such an answer teaches nothing rather than being punished for
   * the judge's failure.
   *
   * @param answer what the judge saw: the generated text with its reasoning cut out
   * @param refusal the refusal class {@link StyleReader} reads in the answer (for the benign refusal rate)
   */
  public record Reward(double total, double judgeScore, boolean wellFormed, String answer, RefusalClass refusal,
      Judgment judgment) {
    public boolean failed() {
      return !judgment.ok();
    }
  }

  /**
   * Scores the text a policy generated for a prompt.
   *
   * @param generated the assistant turn as sampled (reasoning included), without the end-of-turn token
   * @param finished whether the turn ended by itself rather than at the token budget
   */
  public Reward score(Prompt prompt, String generated, boolean finished) {
    String answer = ReasoningSplitter.answer(generated);
    boolean formed = wellFormed(generated, finished);
    if (answer.isBlank()) {
      // Cut off mid-thought, or nothing after the reasoning: the user got nothing, whatever the prompt asked.
      return new Reward(0.0, 0.0, formed, answer, StyleReader.read(answer).refusal(), NO_ANSWER);
    }
    JudgeInput input = new JudgeInput(excerpt(prompt), prompt, null, answer, null);
    Judgment judgment = judge.judge(input);
    double total = judgment.reward() + (formed && judgment.score() > 0 ? formatWeight : 0);
    return new Reward(total, judgment.score(), formed, answer, StyleReader.read(answer).refusal(), judgment);
  }

  /**
   * A well-formed turn: it opens with a think block holding some reasoning, closes it once, then gives a non-empty
   * answer, and ends by itself (not cut off at the token budget).
   */
  public static boolean wellFormed(String generated, boolean finished) {
    return finished && ReasoningSplitter.isOneThinkBlockThenAnswer(generated);
  }

  /** spec(category) for a categorised prompt; the whole spec for a prompt without a category. */
  private String excerpt(Prompt prompt) {
    String category = prompt.category();
    if (category == null || spec.findCategory(category).isEmpty()) {
      return spec.text();
    }
    return excerpts.computeIfAbsent(category, spec::excerpt);
  }
}
