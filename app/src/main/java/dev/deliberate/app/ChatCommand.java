package dev.deliberate.app;

import dev.deliberate.data.Message;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.sampling.LocalChatModel;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = {
      "Talk to a local model: each line read from standard input is a user message; the model's answer is printed.",
      "",
      "Works interactively and with piped input. The conversation is kept (oldest turns are dropped when the "
          + "context is full); a line '/reset' starts over. The reasoning (the <think> block) is printed with "
          + "--show-reasoning."
    })
final class ChatCommand extends BaseCommand {
  /** Where user lines come from; tests replace it. */
  static InputStream input = System.in;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory in Hugging Face layout, local:DIR, or tiny (the built-in model, built on first use).")
  String model;

  @Option(names = "--system", paramLabel = "TEXT", description = "A system message opening the conversation.")
  String system;

  @Option(names = "--show-reasoning", description = "Print the model's reasoning before its answer.")
  boolean showReasoning;

  @Mixin SamplingOptions sampling;

  @Mixin SeedOption seedOption;

  @Override
  protected int run() throws Exception {
    boolean interactive = System.console() != null && input == System.in;
    java.nio.file.Path dir = ModelDirs.resolve(model, err()::println);
    GenerationSettings settings = sampling.local(dir, List.of(), seedOption.seed);
    int maxTokens = settings.maxNewTokens();
    try (LocalChatModel chat = LocalChatModel.open(dir);
        BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
      List<Message> history = new ArrayList<>();
      int context = chat.model().config().maxPositions();
      long turn = 0;
      while (true) {
        if (interactive) {
          out().print("> ");
          out().flush();
        }
        String line = reader.readLine();
        if (line == null) {
          break;
        }
        if (line.isBlank()) {
          continue;
        }
        if (line.strip().equals("/reset")) {
          history.clear();
          continue;
        }
        history.add(new Message("user", line.strip()));
        // Drop the oldest exchanges until the prompt leaves room for the answer.
        while (history.size() > 1 && tokens(chat, history) + maxTokens > context) {
          history.remove(0);
          history.remove(0);
        }
        ChatRequest request = new ChatRequest(withSystem(history), 1, settings.temperature(), settings.topP(),
            Math.max(1, Math.min(maxTokens, context - tokens(chat, history) - 1)), seedOption.seed + turn++, List.of(), Map.of());
        ChatResponse.Choice choice = chat.chat(request).choices().get(0);
        if (showReasoning && !choice.reasoning().isEmpty()) {
          out().println("[reasoning] " + choice.reasoning());
        }
        out().println(choice.content());
        out().flush();
        history.add(new Message("assistant", chat.model().chatFormat().assistantContent(choice.reasoning(),
            choice.content())));
      }
    }
    return ExitCode.OK;
  }

  private List<Message> withSystem(List<Message> history) {
    if (system == null) {
      return history;
    }
    List<Message> all = new ArrayList<>();
    all.add(new Message("system", system));
    all.addAll(history);
    return all;
  }

  private int tokens(LocalChatModel chat, List<Message> history) {
    return chat.model().tokenizer().encode(chat.model().chatFormat().prompt(withSystem(history))).length;
  }

}
