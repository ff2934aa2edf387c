package dev.deliberate.app;

import dev.deliberate.judge.Judge;
import dev.deliberate.judge.Judges;
import dev.deliberate.judge.SpecJudge;
import dev.deliberate.model.ModelOptions;
import dev.deliberate.run.Accounting;
import dev.deliberate.run.CallPolicy;
import dev.deliberate.run.ModelCaller;
import dev.deliberate.spec.Spec;

/**
 * Turns serve-reward's {@code --judge} into a judge: {@code reference} is the rule-based judge; any other model
 * string is a {@link SpecJudge} on that model, called with the usual retries and no response cache (RL responses
 * are new every time, so a cache would only grow).
 */
final class ServeRewardJudges {
  /** Requests per judgment when the judge's reply is malformed. */
  static final int ATTEMPTS = 3;
  /** The judge's seed: a fixed one, so the same response gets the same reward where the server honours seeds. */
  static final long SEED = 1001;

  private ServeRewardJudges() {}

  static Judge create(String model, Spec spec, String apiKeyEnv, int concurrency) {
    SpecJudge.Options options = new SpecJudge.Options(ATTEMPTS, null, null, SEED, true);
    return Judges.create(model, spec, m -> {
      ModelOptions connection = ModelOptions.defaults().withApiKeyEnv(apiKeyEnv).withMaxInFlightPerEndpoint(concurrency);
      return new ModelCaller(ModelStrings.resolver().resolve(m, connection), null, CallPolicy.defaults(),
          new Accounting(Accounting.Prices.NONE));
    }, options).apply(0);
  }
}
