package dev.deliberate.judge;

import dev.deliberate.model.ChatModel;
import dev.deliberate.spec.Spec;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Turns a judge model string into judges. {@code reference} (or {@code reference-judge}) is the
 * {@link ReferenceJudge}: in the judge role the word means the rule-based judge, not the reference generator.
 * Any other string is resolved to a {@link ChatModel} and wrapped in a {@link SpecJudge}, with seed
 * {@code options.seed() + k} for the k-th of K verdicts.
 */
public final class Judges {
  private Judges() {}

  public static boolean isReference(String modelString) {
    return modelString.equals("reference") || modelString.equals("reference-judge");
  }

  public static IntFunction<Judge> create(String modelString, Spec spec, Function<String, ChatModel> resolver,
      SpecJudge.Options options) {
    if (isReference(modelString)) {
      ReferenceJudge judge = new ReferenceJudge(spec);
      return k -> judge;
    }
    SpecJudge judge = new SpecJudge(resolver.apply(modelString), options);
    return k -> judge.withSeed(options.seed() + k);
  }
}
