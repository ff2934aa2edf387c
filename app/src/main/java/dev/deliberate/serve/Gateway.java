package dev.deliberate.serve;

import dev.deliberate.Hashes;
import dev.deliberate.data.JsonlAppender;
import dev.deliberate.data.Message;
import dev.deliberate.data.Prompt;
import dev.deliberate.generate.Classifier;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.Choices;
import dev.deliberate.model.ModelFailures;
import dev.deliberate.model.ReasoningSplitter;
import dev.deliberate.run.UnusableReply;
import dev.deliberate.spec.Spec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deliberation gateway: the spec in the context of a model that was not trained on it (the paper's "spec in
 * context, no training" baseline, as a product). For each request it
 *
 * <ol>
 *   <li>finds the conversation's category: the request's {@code metadata.category} when it is an anchor of the
 *       spec, else the classifier's answer; a conversation neither places gets the spec's overview;
 *   <li>puts the stage-1 instructions with spec(category) in front of the conversation ({@link Stage1Prompt}, the
 *       same system message the generate stage sends);
 *   <li>asks the upstream model for the request's {@code n} choices;
 *   <li>splits each reply at its reasoning ({@link ReasoningSplitter#splitAtFinalAnswer}, as our instructions ask
 *       for a "Final answer:" line) and returns the answer, with the reasoning only when {@code showReasoning};
 *   <li>appends one line per request to the log: request id, category and how it was found, the excerpt given
 *       and its hash, the upstream model and the tokens used.
 * </ol>
 */
public final class Gateway implements ChatService {
  private final ChatModel upstream;
  private final Classifier classifier;
  private final Spec spec;
  private final Stage1Prompt instructions;
  private final boolean showReasoning;
  private final JsonlAppender log;

  /**
   * @param upstream the model asked, built by the run's model factory (cache, retries, accounting)
   * @param classifier gives unlabelled conversations their category
   * @param log where each request's classification and excerpt are appended
   */
  public Gateway(ChatModel upstream, Classifier classifier, Spec spec, Stage1Prompt instructions, boolean showReasoning,
      JsonlAppender log) {
    this.upstream = upstream;
    this.classifier = classifier;
    this.spec = spec;
    this.instructions = instructions;
    this.showReasoning = showReasoning;
    this.log = log;
  }

  /** How a request's category was found. */
  enum Found { LABEL, CLASSIFIER, NONE }

  /** The category of a conversation and how it was found; {@code problem} says why a classifier gave none. */
  record Classification(String category, Found found, String problem) {}

  @Override
  public ChatResponse complete(String requestId, ChatRequest request, Map<String, String> metadata) {
    Classification c = classify(request.messages(), metadata);
    List<Message> messages = new ArrayList<>();
    messages.add(Message.system(instructions.instructions(spec, c.category())));
    messages.addAll(request.messages());
    ChatRequest asked = new ChatRequest(messages, request.n(), request.temperature(), request.topP(),
        request.maxTokens(), request.seed(), request.stop(), request.extra());
    ChatResponse reply = Choices.collect(upstream, asked);
    List<ChatResponse.Choice> choices = new ArrayList<>();
    for (ChatResponse.Choice choice : reply.choices()) {
      ReasoningSplitter.Split split = ReasoningSplitter.splitAtFinalAnswer(choice.content());
      String reasoning = ReasoningSplitter.join(choice.reasoning(), split.reasoning());
      choices.add(new ChatResponse.Choice(choice.index(), showReasoning ? reasoning : "", split.answer(),
          choice.finishReason()));
    }
    record(requestId, c, reply.usage());
    return new ChatResponse(choices, reply.usage());
  }

  Classification classify(List<Message> messages, Map<String, String> metadata) {
    String label = metadata.get("category");
    if (label != null && spec.findCategory(label).isPresent()) {
      return new Classification(label, Found.LABEL, null);
    }
    Prompt prompt = new Prompt(null, messages, null, null, "serve", null, null, Map.of());
    try {
      Optional<String> category = classifier.classify(prompt);
      return category.map(a -> new Classification(a, Found.CLASSIFIER, null))
          .orElseGet(() -> new Classification(null, Found.NONE, classifier.id() + " found no category"));
    } catch (UnusableReply e) {
      return new Classification(null, Found.NONE, ModelFailures.oneLine(e.getMessage(), 300));
    }
  }

  private void record(String requestId, Classification c, ChatResponse.Usage usage) {
    String excerpt = Stage1Prompt.excerpt(spec, c.category());
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", requestId);
    line.put("time", Instant.now().toString());
    line.put("category", c.category());
    line.put("classified_by", switch (c.found()) {
      case LABEL -> "metadata.category";
      case CLASSIFIER -> classifier.id();
      case NONE -> null;
    });
    if (c.problem() != null) {
      line.put("classification_problem", c.problem());
    }
    line.put("spec", spec.id() + " " + spec.version());
    line.put("instructions_version", instructions.version());
    line.put("excerpt_sha256", Hashes.sha256Hex(excerpt));
    line.put("excerpt", excerpt);
    line.put("upstream", upstream.id());
    line.put("prompt_tokens", usage.promptTokens());
    line.put("completion_tokens", usage.completionTokens());
    log.append(line);
  }
}
