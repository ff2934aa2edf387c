package dev.deliberate.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.Hashes;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.Prompt;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers a model already gave, read from a JSONL file of {@link Answer} records (each carrying its prompt), such
 * as another evaluation's {@code answers.jsonl}. It evaluates a model that answered elsewhere, and it is how the
 * whole path from suites to report is tested without a model. A line recording a failed answer is bad input: that
 * prompt has no answer to grade.
 */
public final class PrecomputedAnswers implements Answerer {
  private final Path file;
  private final String model;
  private final Map<String, Answer> byPrompt = new LinkedHashMap<>();

  public PrecomputedAnswers(Path file) {
    this.file = file;
    String first = null;
    try (JsonlReader<JsonNode> reader = JsonlReader.open(file, false)) {
      for (JsonNode node : reader) {
        String where = file + ":" + reader.records();
        String status = node.path("status").asText("done");
        if (!status.equals("done") || node.hasNonNull("failure")) {
          String reason = node.hasNonNull("error") ? node.get("error").asText() : node.path("failure").asText(status);
          throw new BadInputException(where + ": a failed answer (" + reason
              + "): expected answered prompts only; rerun the evaluation that wrote it to answer it first");
        }
        Answer a = JsonlReader.bind(node, Answer.class);
        String m = a.model() == null ? "answers:" + file.getFileName() : a.model();
        if (first == null) {
          first = m;
        } else if (!m.equals(first)) {
          throw new BadInputException(where + ": model '" + m + "' differs from '" + first
              + "' on line 1: one answers file holds one model's answers");
        }
        byPrompt.put(a.promptId(), a);
      }
    }
    if (first == null) {
      throw new BadInputException(file + ": no answers");
    }
    model = first;
  }

  @Override
  public String id() {
    return model;
  }

  /** The prompts answered, each in its suite (the answer's own, else the one its source names, else {@code custom}). */
  public java.util.List<Evaluation.SuitePrompt> prompts() {
    return byPrompt.values().stream()
        .map(a -> new Evaluation.SuitePrompt(a.suite() != null ? a.suite() : Suites.suiteOf(a.prompt(), "custom"), a.prompt()))
        .toList();
  }

  /** The model, the prompt and the answer's own text: a file with other answers makes other records. */
  @Override
  public String key(Prompt prompt) {
    Answer a = byPrompt.get(prompt.id());
    return "answers\n" + model + "\n" + prompt.id() + "\n"
        + (a == null ? "" : Hashes.sha256Hex(a.reasoning() + "\u0000" + a.content()));
  }

  @Override
  public Answer answer(String suite, Prompt prompt) {
    Answer a = byPrompt.get(prompt.id());
    if (a == null) {
      throw new BadInputException(file + ": no answer for prompt " + prompt.id());
    }
    return new Answer(null, suite, model, prompt, a.reasoning(), a.content(), a.trace());
  }
}
