package dev.deliberate.app;

import dev.deliberate.io.Json;
import dev.deliberate.data.Message;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.sampling.Sampler;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Sample text from a local model, for one prompt or several in turn.",
      "",
      "The prompt is sent as one user message in the model's chat format (our <|user|>...<|end|> layout for the "
          + "tiny model, ChatML for models whose chat template uses <|im_start|>); with --raw it is fed as is. Prints "
          + "each sample's text (the <think> block included), or JSON lines with --json (text, finish_reason, tokens, "
          + "ids)."
    })
final class ModelGenerateCommand extends BaseCommand {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory in Hugging Face layout, local:DIR, or tiny.")
  String model;

  @Option(names = "--prompt", required = true, paramLabel = "TEXT",
      description = "The user message (or raw text); repeatable: the prompts are generated in turn, in one load of the "
          + "model.")
  List<String> prompts;

  @Option(names = "--raw", description = "Feed the prompt as is, without the chat format.")
  boolean raw;

  @Mixin SamplingOptions sampling;

  @Option(names = "--stop", paramLabel = "TEXT", description = "Stop before this text (repeatable).")
  List<String> stop;

  @Mixin SeedOption seedOption;

  @Option(names = "-n", defaultValue = "1", description = "Samples, generated as one batch (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--json", description = "One JSON object per sample: text, finish_reason, tokens.")
  boolean json;

  @Override
  protected int run() throws Exception {
    java.nio.file.Path dir = ModelDirs.resolve(model, err()::println);
    GenerationSettings settings = sampling.local(dir, stop == null ? List.of() : stop, seedOption.seed);
    try (LocalModel local = LocalModel.open(dir)) {
      for (String prompt : prompts) {
        String text = raw ? prompt : local.chatFormat().prompt(List.of(new Message("user", prompt)));
        List<Sampler.Output> outputs = Sampler.generate(local, Collections.nCopies(Math.max(1, n), text), settings);
        for (Sampler.Output o : outputs) {
          if (json) {
            out().println(Json.line(Map.of("text", o.text(), "finish_reason", o.finishReason(), "tokens",
                o.ids().length, "ids", o.ids())));
          } else {
            out().println(o.text());
            if (outputs.size() > 1 || prompts.size() > 1) {
              out().println();
            }
          }
        }
      }
    }
    return ExitCode.OK;
  }
}
