package dev.deliberate.engine.sampling;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Message;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.model.BatchChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import dev.deliberate.model.ContextWindow;
import dev.deliberate.model.ModelException;
import dev.deliberate.model.ReasoningSplitter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code local:DIR} backend: a model directory on this machine behind the same {@link ChatModel} seam as a
 * remote server. Messages are laid out in the directory's chat format, the n choices are sampled as one batch, and
 * a leading {@code <think>…</think>} block becomes the choice's reasoning. Requests are served one at a time
 * (the CPU is the bottleneck anyway); {@link #chatAll} samples several single-choice requests with the same
 * settings as one batch.
 */
public final class LocalChatModel implements BatchChatModel, ContextWindow, AutoCloseable {
  private final LocalModel model;
  private final String id;
  private final GenerationSettings defaults;

  private LocalChatModel(LocalModel model, String id) {
    this.model = model;
    this.id = id;
    this.defaults = GenerationSettings.defaults(model.dir());
  }

  /** Opens a model directory; errors name the missing or invalid file. */
  public static LocalChatModel open(Path dir) {
    LocalModel model = LocalModel.open(dir);
    try {
      model.chatFormat();
      return new LocalChatModel(model, "local:" + dir);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public LocalModel model() {
    return model;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int promptTokens(List<Message> messages) {
    return model.tokenizer().encode(model.chatFormat().prompt(messages)).length;
  }

  @Override
  public int contextTokens() {
    return model.config().maxPositions();
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    return chatAll(List.of(request)).get(0);
  }

  /**
   * One batch when every request asks for one choice with the same settings (as an evaluation's greedy answers
   * do), else one request after another.
   */
  @Override
  public synchronized List<ChatResponse> chatAll(List<ChatRequest> requests) {
    ChatFormat format = model.chatFormat();
    List<GenerationSettings> settings = requests.stream().map(this::settings).toList();
    boolean oneBatch = requests.stream().allMatch(r -> r.n() == 1) && settings.stream().distinct().count() == 1;
    if (!oneBatch) {
      List<ChatResponse> out = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        String prompt = format.prompt(requests.get(i).messages());
        out.add(response(generate(Collections.nCopies(requests.get(i).n(), prompt), settings.get(i))));
      }
      return out;
    }
    List<Sampler.Output> outputs = generate(requests.stream().map(r -> format.prompt(r.messages())).toList(),
        settings.get(0));
    return outputs.stream().map(o -> response(List.of(o))).toList();
  }

  private GenerationSettings settings(ChatRequest request) {
    return new GenerationSettings(
        request.maxTokens() != null ? request.maxTokens() : defaults.maxNewTokens(),
        request.temperature() != null ? request.temperature() : defaults.temperature(),
        request.topP() != null ? request.topP() : defaults.topP(),
        request.stop(),
        request.seed() != null ? request.seed() : 0L);
  }

  private List<Sampler.Output> generate(List<String> prompts, GenerationSettings settings) {
    try {
      return Sampler.generate(model, prompts, settings);
    } catch (BadInputException e) {
      // A request the model cannot take (e.g. longer than its context) fails that call, as a server's 400 would,
      // so a stage records it against the prompt instead of stopping.
      throw new ModelException(id + ": " + e.getMessage(), false, e);
    }
  }

  /** The choices of one request: its outputs, each split into reasoning and content. */
  private static ChatResponse response(List<Sampler.Output> outputs) {
    List<ChatResponse.Choice> choices = new ArrayList<>();
    long completionTokens = 0;
    for (int i = 0; i < outputs.size(); i++) {
      Sampler.Output out = outputs.get(i);
      ReasoningSplitter.Split split = ChatFormat.split(out.text());
      choices.add(new ChatResponse.Choice(i, split.reasoning(), split.answer(), out.finishReason()));
      completionTokens += out.ids().length;
    }
    return new ChatResponse(choices, new ChatResponse.Usage(outputs.get(0).promptTokens(), completionTokens));
  }

  @Override
  public void close() {
    model.close();
  }
}
