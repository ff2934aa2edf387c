package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.judge.Judge;
import dev.deliberate.spec.Spec;

/** Turns serve-reward's --judge into a judge. */
final class ServeRewardJudges {
  private ServeRewardJudges() {}

  static Judge create(String model, Spec spec) {
    // TODO(lead): Judges.create(model, spec, ModelResolver::resolve, options).apply(0) once judge and model are on main.
    throw new BadInputException("--judge: no judge is wired into this build yet, so '" + model + "' cannot be served");
  }
}
