package dev.deliberate.engine;

import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.TokenizerFiles;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.tiny.BpeTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small model directories for tests: our tokenizer trained on a few sentences, random weights. */
public final class TestModels {
  private TestModels() {}

  static final List<String> CORPUS = List.of(
      "<|user|>What is the capital of France?<|end|><|assistant|><think>The user asks a geography question.</think>"
          + "The capital of France is Paris.<|end|>",
      "<|user|>How do I bake bread?<|end|><|assistant|><think>A cooking question; I will help.</think>"
          + "Mix flour, water, salt and yeast, let it rise, then bake it.<|end|>",
      "The spec section #violence-disallowed says we must refuse. I can't help with that.",
      "Sure, here is how to do it: [steps withheld]. Numbers 0 1 2 3 4 5 6 7 8 9 10 100.");

  /** A directory with our tokenizer files and a random model of the given shape over its vocabulary. */
  public static Path tinyDir(Path dir, int hidden, int layers, int maxPositions) throws IOException {
    List<String> corpus = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      corpus.addAll(CORPUS);
    }
    var json = BpeTrainer.train(corpus, 400, TokenizerFiles.SPECIALS);
    TokenizerFiles.write(dir, json, maxPositions, GenerationSettings.DEFAULT);
    int vocab = json.path("model").path("vocab").size();
    LlamaConfig config = LlamaConfig.llama(vocab, hidden, hidden * 2, layers, 4, 2, maxPositions,
        TokenizerFiles.END_ID, TokenizerFiles.END_ID);
    try (LocalModel model = LocalModel.random(config, 3, dir)) {
      model.save(dir);
    }
    return dir;
  }
}
