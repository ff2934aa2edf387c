package dev.deliberate.judge;

/**
 * The seam between stages that need a verdict (filtering, RL reward, evaluation) and whatever gives it: a
 * model holding the spec, or the offline reference judge. Implementations are thread-safe.
 */
public interface Judge {
  /** A stable identifier for manifests and cache keys. */
  String id();

  /** Scores one answer; never throws for bad model output (a failed judgment is a {@link Judgment} too). */
  Judgment judge(JudgeInput input);
}
