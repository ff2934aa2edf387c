package dev.deliberate.engine.tiny;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.Hashes;
import dev.deliberate.UserCache;
import dev.deliberate.io.Json;
import dev.deliberate.engine.Engines;
import dev.deliberate.engine.modelfile.LocalModel;
import dev.deliberate.engine.modelfile.TokenizerFiles;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.sampling.GenerationSettings;
import dev.deliberate.engine.training.SupervisedTurn;
import dev.deliberate.engine.training.SftTrainer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The built-in tiny base model: a recipe, entirely ours, that trains a byte-level BPE tokenizer on our template
 * corpus ({@link TinyCorpus}), then a small Llama from scratch on the helpful-only instruction mix. Deterministic
 * given the recipe and the engine's numerics; built once into a cache directory keyed by both.
 */
public final class TinyModel {
  private TinyModel() {}

  /**
   * Everything that determines the model. Changing any field changes the hash, hence the cache entry.
   *
   * @param version bumped whenever the corpus templates, the training code or the files written beside the weights
   *     (5: the chat template marks the assistant turn for TRL) change what is built
   */
  public record Recipe(int version, long seed, int vocabSize, int hiddenSize, int intermediateSize, int layers,
      int heads, int kvHeads, int context, int examples, int steps, int batchSize, double learningRate) {
    public String hash() {
      return Hashes.sha256Hex(Json.line(this)).substring(0, 12);
    }

    public LlamaConfig config(int vocab) {
      return LlamaConfig.llama(vocab, hiddenSize, intermediateSize, layers, heads, kvHeads, context,
          TokenizerFiles.END_ID, TokenizerFiles.END_ID);
    }

    public Recipe withSteps(int newSteps) {
      return new Recipe(version, seed, vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, context,
          examples, newSteps, batchSize, learningRate);
    }
  }

  /**
   * Sized for about five minutes of training on two shared CPU cores (see bench/README.md for the figures). The
   * context of 640 tokens leaves room for a deliberative turn (a chain of thought of about 250 tokens and the answer)
   * after an attacked prompt; rotary positions add no parameters, so it costs nothing until it is used.
   */
  public static final Recipe RECIPE = new Recipe(5, 20241220, 1024, 192, 512, 4, 6, 2, 640, 40_000, 450, 16, 2e-3);

  /** The cache root, {@link UserCache#dir()}. */
  public static Path defaultCacheDir() {
    return UserCache.dir();
  }

  /**
   * The model directory of the recipe in the cache, built first if it is not there. Concurrent callers wait for
   * one build (a file lock); an interrupted build resumes from its checkpoint. Loads the engine, which fixes the
   * process's thread count if nothing has yet: the directory depends on it.
   */
  public static Path ensure(Path cacheRoot, Recipe recipe, Consumer<String> progress) throws IOException {
    Engines.pytorch();
    Map<String, String> numerics = Engines.numerics();
    String name = dirName(recipe, numerics);
    Path dir = cacheRoot.resolve(name);
    if (Files.isRegularFile(dir.resolve("recipe.json"))) {
      return dir;
    }
    Files.createDirectories(cacheRoot);
    try (FileChannel lockFile = FileChannel.open(cacheRoot.resolve(name + ".lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      if (Files.isRegularFile(dir.resolve("recipe.json"))) {
        return dir;
      }
      Path partial = cacheRoot.resolve(name + ".partial");
      progress.accept("tiny model " + name + ": " + numerics.get("threads") + " engine threads, kernels "
          + numerics.get("ATEN_CPU_CAPABILITY") + " (a build under other settings gets a directory of its own)");
      build(recipe, numerics, partial, progress);
      Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
      progress.accept("tiny model ready: " + dir);
      return dir;
    }
  }

  /**
   * The cache directory of a recipe built under these numerics ({@link Engines#numerics}). The weights depend on
   * the thread count and the math kernels as well as on the recipe: a 1-thread and a 2-thread build of one recipe
   * differ from the first step's gradient norm on. Keyed by the recipe alone, whichever process built the base
   * first (a test under load, {@code model build-tiny}) chose the weights of every later quickstart on that machine.
   */
  static String dirName(Recipe recipe, Map<String, String> numerics) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("recipe", recipe);
    key.put("numerics", numerics);
    return "tiny-" + Hashes.sha256Hex(Json.line(key)).substring(0, 12);
  }

  /** Whether a model directory is a built tiny model (its recipe is recorded beside it). */
  public static boolean isTiny(Path dir) {
    return Files.isRegularFile(dir.resolve("recipe.json"));
  }

  /** Builds the recipe into {@code out} (resuming a checkpoint there if one exists). */
  static void build(Recipe recipe, Map<String, String> numerics, Path out, Consumer<String> progress)
      throws IOException {
    Instant start = Instant.now();
    Files.createDirectories(out);
    progress.accept("tiny model: generating " + recipe.examples() + " examples");
    List<SupervisedTurn> train = TinyCorpus.examples(recipe.examples(), recipe.seed());
    List<SupervisedTurn> eval = TinyCorpus.examples(200, recipe.seed() + 1);
    ObjectNode tokenizer;
    if (Files.isRegularFile(out.resolve("tokenizer.json"))) {
      tokenizer = (ObjectNode) Json.mapper().readTree(out.resolve("tokenizer.json").toFile());
    } else {
      progress.accept("training the byte-level BPE tokenizer (vocabulary " + recipe.vocabSize() + ")");
      tokenizer = BpeTrainer.train(TinyCorpus.tokenizerCorpus(train.subList(0, Math.min(3000, train.size()))),
          recipe.vocabSize(), TokenizerFiles.SPECIALS);
      TokenizerFiles.write(out, tokenizer, recipe.context(),
          new GenerationSettings(160, 0.7, 0.95, List.of(), 0));
    }
    LlamaConfig config = recipe.config(tokenizer.path("model").path("vocab").size());
    progress.accept(String.format("training a %.2fM-parameter Llama (%d layers, width %d) for %d steps of %d examples",
        config.parameterCount() / 1e6, config.numLayers(), config.hiddenSize(), recipe.steps(), recipe.batchSize()));
    SftTrainer.Settings settings = new SftTrainer.Settings(1, recipe.steps(), recipe.learningRate(), 0.05, 0.1, 0.01,
        1.0, recipe.batchSize(), 1, recipe.context(), 0, 100, 50, 25, recipe.seed());
    try (LocalModel model = LocalModel.random(config, recipe.seed(), out)) {
      new SftTrainer(settings).train(model, train, eval, out, Map.of("recipe", recipe), progress);
    }
    ObjectNode record = Json.mapper().valueToTree(recipe);
    record.put("hash", recipe.hash());
    record.set("numerics", Json.mapper().valueToTree(numerics));
    record.put("format_version", 1);
    record.put("build_seconds", Duration.between(start, Instant.now()).toSeconds());
    record.put("built_at", Instant.now().toString());
    LocalModel.writeJson(out.resolve("recipe.json"), record);
  }
}
