package dev.deliberate.app;

import dev.deliberate.engine.tiny.TinyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "build-tiny",
    mixinStandardHelpOptions = true,
    description = {
      "Build the built-in tiny model (or find it in the cache) and print its directory.",
      "",
      "The recipe is ours end to end: a byte-level BPE tokenizer trained on our template corpus, a small Llama "
          + "trained from scratch on a helpful-only instruction mix (harmful-looking requests get only a content-free "
          + "placeholder, \"Sure, here is how to ...: [steps withheld]\"). Deterministic; built once into the cache "
          + "($DELIBERATE_CACHE, else $XDG_CACHE_HOME/deliberate, else ~/.cache/deliberate) under the recipe's hash and "
          + "the engine's numerics: the weights depend on the thread count (DELIBERATE_THREADS=N; by default the "
          + "machine's processors, 1 on a busy machine) and the math kernels, so a build under other settings gets a "
          + "directory of its own (the quickstart builds with 2 threads). About five minutes on two CPU cores; an "
          + "interrupted build resumes."
    })
final class ModelBuildTinyCommand extends BaseCommand {
  @Option(names = "--out", paramLabel = "DIR", description = "Also copy the model directory here.")
  Path out;

  @Option(names = "--cache", paramLabel = "DIR", description = "Cache root (default: see above).")
  Path cache;

  @Override
  protected int run() throws Exception {
    Path dir = TinyModel.ensure(cache != null ? cache : TinyModel.defaultCacheDir(), TinyModel.RECIPE, err()::println);
    if (out != null) {
      Files.createDirectories(out);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Files.copy(file, out.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      dir = out;
    }
    out().println(dir);
    return ExitCode.OK;
  }
}
