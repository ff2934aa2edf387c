package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.engine.sampling.GenerationSettings;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --temperature}, {@code --top-p} and {@code --max-tokens}, the same in every command that samples answers.
 * Each is unset by default, which means the model's own default: a server's, or a local model directory's
 * {@code generation_config.json} (ours when it has none), the defaults {@code LocalChatModel} uses as well.
 */
final class SamplingOptions {
  @Option(names = "--temperature", paramLabel = "T",
      description = "Sampling temperature, 0 = greedy (default: the model's: a server's own, a local model's generation_config.json).")
  Double temperature;

  @Option(names = "--top-p", paramLabel = "P",
      description = "Nucleus sampling mass (default: the model's: a server's own, a local model's generation_config.json).")
  Double topP;

  @Option(names = "--max-tokens", paramLabel = "N",
      description = "Most new tokens per answer (default: the model's: a server's own, a local model's generation_config.json).")
  Integer maxTokens;

  /** Settings for the local engine: what was given, the model directory's defaults for the rest. */
  GenerationSettings local(Path modelDir, List<String> stop, long seed) {
    GenerationSettings defaults = GenerationSettings.defaults(modelDir);
    try {
      return new GenerationSettings(maxTokens != null ? maxTokens : defaults.maxNewTokens(),
          temperature != null ? temperature : defaults.temperature(), topP != null ? topP : defaults.topP(), stop, seed);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
