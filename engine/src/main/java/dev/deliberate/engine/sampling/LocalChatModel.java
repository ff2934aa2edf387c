package dev.deliberate.engine.sampling;

import dev.deliberate.BadInputException;
import dev.deliberate.engine.modelfile.ChatFormat;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.model.ChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
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
 * (the CPU is the bottleneck anyway).
 */
public final class LocalChatModel implements ChatModel, AutoCloseable {
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
  public synchronized ChatResponse chat(ChatRequest request) {
    ChatFormat format = model.chatFormat();
    String prompt = format.prompt(request.messages());
    GenerationSettings settings = new GenerationSettings(
        request.maxTokens() != null ? request.maxTokens() : defaults.maxNewTokens(),
        request.temperature() != null ? request.temperature() : defaults.temperature(),
        request.topP() != null ? request.topP() : defaults.topP(),
        request.stop(),
        request.seed() != null ? request.seed() : 0L);
    List<Generator.Output> outputs;
    try {
      outputs = Generator.generate(model, Collections.nCopies(request.n(), prompt), settings);
    } catch (BadInputException e) {
      // A request the model cannot take (e.g. longer than its context) fails that call, as a server's 400 would,
      // so a stage records it against the prompt instead of stopping.
      throw new ModelException(id + ": " + e.getMessage(), false, e);
    }
    List<ChatResponse.Choice> choices = new ArrayList<>();
    long completionTokens = 0;
    for (int i = 0; i < outputs.size(); i++) {
      Generator.Output out = outputs.get(i);
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
