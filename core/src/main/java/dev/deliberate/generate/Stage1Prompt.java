package dev.deliberate.generate;

import dev.deliberate.VersionedText;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.spec.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * The stage-1 (generation) prompt: a system message holding spec(category) and our instructions, followed by the
 * prompt's own messages unchanged. Keeping the prompt's messages as they are is what makes stripping the spec
 * trivial later: the SFT example is the same conversation without the first message.
 *
 * <p>The wording lives in {@code dev/deliberate/generate/stage1.md}; its first line carries the template version,
 * and {@link #hash()} (SHA-256 of the file) goes into the run manifest so a changed template is visible.
 */
public final class Stage1Prompt {
  /** The line that separates the reasoning from the reply in models that have no separate reasoning channel. */
  public static final String FINAL_ANSWER_MARKER = "Final answer:";

  private static final String RESOURCE = "stage1.md";
  private static final Stage1Prompt DEFAULT = load(RESOURCE);

  private final String version;
  private final String body;
  private final String hash;

  private Stage1Prompt(String version, String body, String hash) {
    this.version = version;
    this.body = body;
    this.hash = hash;
  }

  public static Stage1Prompt standard() {
    return DEFAULT;
  }

  public String version() {
    return version;
  }

  /** SHA-256 of the template file as shipped. */
  public String hash() {
    return hash;
  }

  /**
   * The instructions with the excerpt filled in; the system message of a stage-1 request. A null category (a
   * conversation no classifier could place) gets the spec's {@link Spec#overview() overview}.
   */
  public String instructions(Spec spec, String category) {
    String example = (category == null ? spec.categories().stream() : spec.findCategory(category).stream())
        .flatMap(c -> c.sections().stream()).findFirst().map(s -> s.anchor())
        .orElse(category == null ? "style-refuse" : category + "-disallowed");
    return body.replace("{{SPEC}}", excerpt(spec, category)).replace("{{EXAMPLE_ANCHOR}}", example);
  }

  /** spec(category) as {@link #instructions} quotes it: the excerpt, or the overview for a null category. */
  public static String excerpt(Spec spec, String category) {
    return (category == null ? spec.overview() : spec.excerpt(category)).strip();
  }

  /** The full stage-1 conversation for one prompt: our system message, then the prompt's messages as they are. */
  public List<Message> messages(Spec spec, Prompt prompt) {
    if (prompt.category() == null) {
      throw new IllegalArgumentException("prompt " + prompt.id() + " has no category: run the classify stage first");
    }
    List<Message> messages = new ArrayList<>();
    messages.add(Message.system(instructions(spec, prompt.category())));
    messages.addAll(prompt.messages());
    return messages;
  }

  /** The fixed sentences of the template (without the spec), used to check that exports carry none of them. */
  public List<String> fixedSentences() {
    return TextChecks.sentences(body.replace("{{SPEC}}", "").replace("{{EXAMPLE_ANCHOR}}", ""));
  }

  static Stage1Prompt load(String resource) {
    VersionedText text = VersionedText.load(Stage1Prompt.class, resource);
    return new Stage1Prompt(text.version(), text.body(), text.hash());
  }
}
