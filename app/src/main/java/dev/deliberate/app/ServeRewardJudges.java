package dev.deliberate.app;

import dev.deliberate.generate.LabelClassifier;
import dev.deliberate.generate.ModelClassifier;
import dev.deliberate.judge.Judges;
import dev.deliberate.judge.ReferenceJudge;
import dev.deliberate.judge.SpecJudge;
import dev.deliberate.model.ChatModel;
import dev.deliberate.run.ModelSettings;
import dev.deliberate.run.StageModels;
import dev.deliberate.serve.RewardScorer;
import dev.deliberate.spec.Spec;

/**
 * Turns serve-reward's {@code --judge} into a scorer. {@code reference} is the rule-based judge, and unlabelled
 * prompts go to the reference classifier (which reads labels only, so they get the neutral score). Any other model
 * string is built by the one model factory ({@link StageModels}: response cache, retries, accounting) and used
 * twice: as a {@link SpecJudge}, and as the {@link ModelClassifier} that gives unlabelled prompts their category.
 */
final class ServeRewardJudges {
  /** Requests per judgment or classification when the model's reply is malformed. */
  static final int ATTEMPTS = 3;
  /** The judge's seed: a fixed one, so the same response gets the same reward where the server honours seeds. */
  static final long SEED = 1001;

  private ServeRewardJudges() {}

  static RewardScorer scorer(ModelSettings settings, Spec spec, StageModels models) {
    if (Judges.isReference(settings.model())) {
      return new RewardScorer(new ReferenceJudge(spec), new LabelClassifier(spec), spec);
    }
    ChatModel model = models.model(settings);
    SpecJudge.Options options = new SpecJudge.Options(ATTEMPTS, null, null, SEED, true);
    return new RewardScorer(new SpecJudge(model, options), new ModelClassifier(model, spec, ATTEMPTS), spec);
  }
}
