/**
 * Evaluation suites and the metrics of DESIGN.md section 1, with seeded bootstrap intervals.
 *
 * <p>{@link dev.deliberate.eval.Metrics} holds every definition once (harm, goodness@0.1, the partial-refusal
 * rule, citation accuracy). {@link dev.deliberate.eval.Evaluation} runs one model in three resumable steps that
 * each write a file under the eval directory: {@code answers.jsonl} → {@code grades.jsonl} → {@code metrics.json};
 * answers and grades are stage-executor records ({@code {"id", "status": "done", ...}} or {@code {"id", "status":
 * "failed", "error"}}) whose ids derive from what made them. {@link dev.deliberate.eval.AttackingAnswerer} writes the
 * model-driven attacks and the multilingual suite's translations as part of answering (the attacker's and
 * translator's calls go through the same model factory and response cache as the target's), so they resume like
 * any answer; metrics report them per attack (with rounds and calls) and per language.
 */
package dev.deliberate.eval;
