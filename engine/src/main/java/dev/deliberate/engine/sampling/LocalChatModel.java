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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The {@code local:DIR} backend: a model directory on this machine behind the same {@link ChatModel} seam as a
 * remote server. Messages are laid out in the directory's chat format, the n choices are sampled as one batch, and
 * a leading {@code <think>…</think>} block becomes the choice's reasoning. Requests are served one at a time
 * (the CPU is the bottleneck anyway); {@link #chatAll} samples several requests as one batch, each row with its own
 * request's settings.
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
   * do), row r drawing from random stream r; else every choice of every request is a row with its request's
   * settings and the stream of its choice index ({@link #mixed}).
   */
  @Override
  public synchronized List<ChatResponse> chatAll(List<ChatRequest> requests) {
    ChatFormat format = model.chatFormat();
    List<GenerationSettings> settings = requests.stream().map(this::settings).toList();
    boolean oneBatch = requests.stream().allMatch(r -> r.n() == 1) && settings.stream().distinct().count() == 1;
    if (!oneBatch) {
      return mixed(requests, settings, format);
    }
    List<Sampler.Output> outputs = generate(requests.stream().map(r -> format.prompt(r.messages())).toList(),
        settings.get(0));
    return outputs.stream().map(o -> response(List.of(o))).toList();
  }

  /**
   * Requests that differ in settings or ask for several choices: every choice is a row with its request's settings
   * and its own random stream (its choice index), so a request gets the same choices as when sampled alone; the rows
   * are sampled in batches of at most as many rows as there are requests (the batch size the caller chose).
   */
  private List<ChatResponse> mixed(List<ChatRequest> requests, List<GenerationSettings> settings, ChatFormat format) {
    List<long[]> prompts = new ArrayList<>();
    List<GenerationSettings> rowSettings = new ArrayList<>();
    List<Integer> streams = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      long[] prompt = model.tokenizer().encode(format.prompt(requests.get(i).messages()));
      for (int choice = 0; choice < requests.get(i).n(); choice++) {
        prompts.add(prompt);
        rowSettings.add(settings.get(i));
        streams.add(choice);
      }
    }
    List<Sampler.Output> outputs = new ArrayList<>();
    int step = Math.max(1, requests.size());
    for (int from = 0; from < prompts.size(); from += step) {
      int to = Math.min(prompts.size(), from + step);
      try {
        outputs.addAll(Sampler.generateRows(model, prompts.subList(from, to), rowSettings.subList(from, to),
            streams.subList(from, to).stream().mapToInt(Integer::intValue).toArray(), Sampler.stopIds(model), true,
            model.tokenizer()::decode));
      } catch (BadInputException e) {
        throw new ModelException(id + ": " + e.getMessage(), false, e);
      }
    }
    List<ChatResponse> out = new ArrayList<>();
    int row = 0;
    for (ChatRequest request : requests) {
      out.add(response(outputs.subList(row, row + request.n())));
      row += request.n();
    }
    return out;
  }

  /**
   * One request alone, its n choices as the rows of one batch (choice i from random stream i of its seed, as
   * {@link #chatAll} samples it), telling {@code listener} each choice's text after every sampled token (see
   * {@link Sampler.StepListener}; the row is the choice index). For streaming a reply as it is written.
   */
  public synchronized ChatResponse chatStreaming(ChatRequest request, Sampler.StepListener listener) {
    long[] prompt = model.tokenizer().encode(model.chatFormat().prompt(request.messages()));
    int[] streams = new int[request.n()];
    Arrays.setAll(streams, i -> i);
    try {
      return response(Sampler.generateRows(model, Collections.nCopies(request.n(), prompt),
          Collections.nCopies(request.n(), settings(request)), streams, Sampler.stopIds(model), true,
          model.tokenizer()::decode, listener));
    } catch (BadInputException e) {
      throw new ModelException(id + ": " + e.getMessage(), false, e);
    }
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
