package dev.deliberate.app;

import dev.deliberate.engine.modelfile.GgufImport;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Turn a GGUF model file (llama.cpp, Ollama, LM Studio) into a Hugging Face model directory.",
      "",
      "Writes config.json, model.safetensors (F32, every tensor dequantized), tokenizer.json, tokenizer_config.json "
          + "(with the file's chat template), special_tokens_map.json and generation_config.json into DIR, all at "
          + "once (a temporary directory renamed at the end). Llama-architecture files with a byte-level BPE "
          + "tokenizer; tensor types F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K. "
          + "A model string local:FILE.gguf imports into the cache on first use."
    })
final class ModelImportCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "FILE.gguf", description = "The GGUF file.")
  Path file;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "The new model directory.")
  Path out;

  @Option(names = "--quiet", description = "Print only the directory, not what is being imported.")
  boolean quiet;

  @Override
  protected int run() {
    GgufImport.importFile(file, out, quiet ? line -> { } : err()::println);
    out().println(out);
    return ExitCode.OK;
  }
}
