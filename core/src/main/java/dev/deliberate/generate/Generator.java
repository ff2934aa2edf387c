package dev.deliberate.generate;

import dev.deliberate.Hashes;
import dev.deliberate.data.Prompt;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.Choices;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.Style;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 1: sends each prompt with spec(category) and our instructions to a generator model and turns its K choices
 * into {@link Sample}s, dropped ones included with their reason. A failed model call is thrown (as the model's
 * exception) so that the stage marks the prompt failed and a rerun tries it again.
 *
 * <p>With {@link ComplyAnswers}, the answers of prompts labelled comply come from another model (usually the
 * student's base) asked the plain conversation, while the chain of thought stays the generator's. A rule-based
 * generator can reason over the spec but writes only a generic helpful line; training a real model on that line
 * would teach it to give the line to every safe question instead of its own answer.
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

  /**
   * Where the answers of prompts labelled comply come from.
   *
   * @param model asked the prompt's own conversation (no spec, no instructions), one choice per sample
   * @param maxTokens token limit per answer; an answer cut at it keeps its complete sentences (dropped as
   *     truncated when too few are left)
   */
  public record ComplyAnswers(ChatModel model, int maxTokens) {
    public ComplyAnswers {
      if (maxTokens < 1) {
        throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
      }
    }
  }

  private final ChatModel model;
  private final ComplyAnswers complyAnswers;
  private final Spec spec;
  private final Stage1Prompt template;
  private final Options options;
  private final CotParser parser;
  private final String specHash;

  public Generator(ChatModel model, Spec spec, Stage1Prompt template, Options options) {
    this(model, spec, template, options, null);
  }

  /** @param complyAnswers where comply answers come from, or null for the generator's own */
  public Generator(ChatModel model, Spec spec, Stage1Prompt template, Options options, ComplyAnswers complyAnswers) {
    this.model = model;
    this.complyAnswers = complyAnswers;
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
    List<ChatRequest> answerRequests = new ArrayList<>();
    List<ChatResponse.Choice> answers = answersFromOtherModel(prompt)
        ? Choices.collect(complyAnswers.model(), answerRequest(prompt), answerRequests).choices() : null;
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < options.samples(); i++) {
      ChatResponse.Choice choice = choices.get(i);
      CotParser.Parsed parsed = parser.parse(choice);
      Sample sample = new Sample(sampleId(prompt, i), prompt.id(), i, model.id(), prompt.category(),
          prompt.expected(), parsed.reasoning(), parsed.answer(), parsed.drop(), parsed.detail(), choice.finishReason());
      samples.add(answers == null || !sample.ok() ? sample : withAnswer(sample, answers.get(i)));
    }
    if (samples.stream().noneMatch(Sample::ok)) {
      sent.forEach(model::forget); // nothing usable: the stage fails the prompt, and its rerun must ask again
      if (complyAnswers != null) {
        answerRequests.forEach(complyAnswers.model()::forget);
      }
    }
    return samples;
  }

  private boolean answersFromOtherModel(Prompt prompt) {
    return complyAnswers != null && prompt.expected() == Style.COMPLY;
  }

  /** The plain conversation, as the student will see it at evaluation time. */
  private ChatRequest answerRequest(Prompt prompt) {
    return new ChatRequest(prompt.messages(), options.samples(), options.temperature(), options.topP(),
        complyAnswers.maxTokens(), options.seed(), List.of(), Map.of());
  }

  /** A cut answer trimmed to fewer words than this is dropped: too little of an answer to learn from. */
  private static final int MIN_TRIMMED_WORDS = 12;

  private Sample withAnswer(Sample sample, ChatResponse.Choice choice) {
    String from = complyAnswers.model().id();
    String answer = choice.content() == null ? "" : choice.content().strip();
    DropReason drop = null;
    String detail = null;
    if (answer.isEmpty()) {
      drop = DropReason.NO_ANSWER;
      detail = "the comply answer from " + from + " is empty";
    } else if ("length".equals(choice.finishReason())) {
      // Trained as it came, a cut answer would teach the student to stop mid-sentence; up to its last full
      // sentence it is a shorter answer of the base's own, which is also cheaper to generate and evaluate.
      answer = TextChecks.completeSentences(answer);
      if (TextChecks.words(answer) < MIN_TRIMMED_WORDS) {
        drop = DropReason.TRUNCATED;
        detail = "the comply answer from " + from + " was cut at " + complyAnswers.maxTokens()
            + " tokens before " + MIN_TRIMMED_WORDS + " words of complete sentences";
      }
    }
    return new Sample(sample.id(), sample.promptId(), sample.index(), sample.model() + " + " + from,
        sample.category(), sample.expected(), sample.reasoning(), answer, drop, detail, choice.finishReason());
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
    String key = String.join("\u0000", model.id(), options.toString(), template.hash(), specHash,
        dev.deliberate.io.Json.line(prompt));
    // Only when set, so that the keys of runs without it stay what they were.
    return Hashes.sha256Hex(complyAnswers == null ? key
        : key + "\u0000" + complyAnswers.model().id() + "/" + complyAnswers.maxTokens());
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
