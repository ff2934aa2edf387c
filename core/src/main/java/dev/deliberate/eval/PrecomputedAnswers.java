package dev.deliberate.eval;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Prompt;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers a model already gave, read from a JSONL file of {@link Answer} records (each carrying its prompt). It
 * evaluates a model that answered elsewhere, and it is how the whole path from suites to report is tested
 * without a model.
 */
public final class PrecomputedAnswers implements Answerer {
  private final String model;
  private final Map<String, Answer> byPrompt = new LinkedHashMap<>();

  public PrecomputedAnswers(Path file) {
    List<Answer> answers = EvalFiles.readJsonl(file, Answer.class);
    if (answers.isEmpty()) {
      throw new BadInputException(file + ": no answers");
    }
    model = answers.get(0).model() == null ? "answers:" + file.getFileName() : answers.get(0).model();
    for (int i = 0; i < answers.size(); i++) {
      Answer a = answers.get(i);
      if (a.model() != null && !a.model().equals(model)) {
        throw new BadInputException(file + ":" + (i + 1) + ": model '" + a.model() + "' differs from '" + model
            + "' on line 1: one answers file holds one model's answers");
      }
      byPrompt.put(a.promptId(), a);
    }
  }

  @Override
  public String id() {
    return model;
  }

  /** The prompts answered, each in its suite (the answer's own, else the one its source names, else {@code custom}). */
  public List<Evaluation.SuitePrompt> prompts() {
    return byPrompt.values().stream()
        .map(a -> new Evaluation.SuitePrompt(a.suite() != null ? a.suite() : Suites.suiteOf(a.prompt(), "custom"), a.prompt()))
        .toList();
  }

  @Override
  public Answer answer(String suite, Prompt prompt) {
    Answer a = byPrompt.get(prompt.id());
    if (a == null) {
      return new Answer(null, suite, model, prompt, "", "", "no precomputed answer for prompt " + prompt.id());
    }
    return new Answer(null, suite, model, prompt, a.reasoning(), a.content(), a.failure());
  }
}
