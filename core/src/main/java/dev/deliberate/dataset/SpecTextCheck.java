package dev.deliberate.dataset;

import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.generate.TextChecks;
import dev.deliberate.spec.Spec;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Finds spec text or generation instructions in a training example: any sentence of six or more words from the
 * spec's categories (and their summaries), styles and preamble, or from the stage-1 template, found (after normalising case,
 * punctuation and spacing) in the example's messages or reasoning. Citing a section by its anchor is fine and
 * expected; copying its sentences is not, because the point of SFT is that the model recalls the spec unseen.
 */
public final class SpecTextCheck {
  private final Set<String> sentences = new LinkedHashSet<>();

  public SpecTextCheck(Spec spec, Stage1Prompt template) {
    sentences.addAll(TextChecks.sentences(spec.preamble()));
    spec.categories().forEach(c -> {
      sentences.addAll(TextChecks.sentences(c.body()));
      sentences.addAll(TextChecks.sentences(c.summary()));
    });
    spec.styles().values().forEach(s -> sentences.addAll(TextChecks.sentences(s.text())));
    sentences.addAll(template.fixedSentences());
  }

  /** The first spec or instruction sentence the text contains, or empty. */
  public Optional<String> find(String text) {
    String normal = " " + TextChecks.normalise(text) + " ";
    return sentences.stream().filter(s -> normal.contains(" " + s + " ")).findFirst();
  }

  public Optional<String> find(SftExample example) {
    StringBuilder all = new StringBuilder(example.reasoning() == null ? "" : example.reasoning());
    example.messages().forEach(m -> all.append('\n').append(m.content()));
    return find(all.toString());
  }
}
