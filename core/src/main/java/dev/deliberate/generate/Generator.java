package dev.deliberate.generate;

import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.Choices;
import dev.deliberate.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 1: sends each prompt with spec(category) and our instructions to a generator model and turns its K choices
 * into {@link Sample}s, dropped ones included with their reason. A failed model call is thrown (as the model's
 * exception) so that the stage marks the prompt failed and a rerun tries it again.
 */
public final class Generator {
  /**
   * The request field that carries the prompt's labels to models that read them (the reference generator). It is
   * added only when {@link Options#passLabels} is set, because real servers may reject unknown body fields.
   */
  public static final String LABELS_FIELD = "deliberate_labels";

  /**
   * @param samples K, the number of samples per prompt
   * @param temperature sampling temperature, or null for the server default
   * @param topP nucleus sampling, or null
   * @param maxTokens token limit per sample, or null
   * @param seed the base seed; sample requests use it, top-up requests add 1, 2, ...
   * @param passLabels send the prompt's labels in {@link #LABELS_FIELD}
   */
  public record Options(int samples, Double temperature, Double topP, Integer maxTokens, long seed, boolean passLabels) {
    public Options {
      if (samples < 1) {
        throw new IllegalArgumentException("samples must be at least 1, was " + samples);
      }
    }
  }

  private final ChatModel model;
  private final Spec spec;
  private final Stage1Prompt template;
  private final Options options;
  private final CotParser parser;
  private final String specHash;

  public Generator(ChatModel model, Spec spec, Stage1Prompt template, Options options) {
    this.model = model;
    this.spec = spec;
    this.template = template;
    this.options = options;
    this.parser = new CotParser(spec.anchors());
    this.specHash = spec.hash();
  }

  /** K samples for one prompt, in index order. */
  public List<Sample> generate(Prompt prompt) {
    // Servers that ignore n are asked again for the rest (seed + 1, + 2, ...) rather than silently giving fewer.
    List<ChatRequest> sent = new ArrayList<>();
    List<ChatResponse.Choice> choices = Choices.collect(model, request(prompt, options.samples(), options.seed()), sent)
        .choices();
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < options.samples(); i++) {
      ChatResponse.Choice choice = choices.get(i);
      CotParser.Parsed parsed = parser.parse(choice);
      samples.add(new Sample(sampleId(prompt, i), prompt.id(), i, model.id(), prompt.category(), prompt.expected(),
          parsed.reasoning(), parsed.answer(), parsed.drop(), parsed.detail(), choice.finishReason()));
    }
    if (samples.stream().noneMatch(Sample::ok)) {
      sent.forEach(model::forget); // nothing usable: the stage fails the prompt, and its rerun must ask again
    }
    return samples;
  }

  /** The exact request for a prompt (n choices, the given seed). */
  public ChatRequest request(Prompt prompt, int n, long seed) {
    Map<String, Object> extra = options.passLabels() ? Map.of(LABELS_FIELD, labels(prompt)) : Map.of();
    return new ChatRequest(template.messages(spec, prompt), n, options.temperature(), options.topP(),
        options.maxTokens(), seed, List.of(), extra);
  }

  /**
   * What made a prompt's samples, for reusing them only while it is unchanged: the model, every option, the
   * template, the spec and the prompt record itself (its category and labels decide the request too).
   */
  public String recordKey(Prompt prompt) {
    return Hashes.sha256Hex(String.join("\u0000", model.id(), options.toString(), template.hash(), specHash,
        dev.deliberate.io.Json.line(prompt)));
  }

  /** The stable id of sample {@code index} of a prompt under this generator, template, spec and seed. */
  public String sampleId(Prompt prompt, int index) {
    return Hashes.shortId("s-", prompt.id(), model.id(), template.hash(), specHash, Long.toString(options.seed()),
        Integer.toString(index));
  }

  /**
   * The labels a label-reading model gets: category, expected behaviour, attack, its family, original request, and
   * the reason behind the expected behaviour when the dataset gives one (metadata {@code reason}).
   */
  public static Map<String, Object> labels(Prompt prompt) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("category", prompt.category());
    if (prompt.expected() != null) {
      labels.put("expected", prompt.expected().wireName());
    }
    if (prompt.attack() != null) {
      labels.put("attack", prompt.attack());
      Object family = prompt.metadata().get("attack_family");
      if (family != null) {
        labels.put("attack_family", family.toString());
      }
    }
    labels.put("request", prompt.request());
    Object reason = prompt.metadata().get("reason");
    if (reason != null) {
      labels.put("reason", reason.toString());
    }
    return labels;
  }
}
