package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.engine.modelfile.ModelDirs;
import dev.deliberate.engine.training.DirectoryTrainer;
import dev.deliberate.engine.training.SftTrainer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "sft",
    mixinStandardHelpOptions = true,
    description = {
      "Supervised fine-tuning of a local model on chat examples; writes a new model directory.",
      "",
      "DATA is JSONL, one object per line: {\"messages\": [{\"role\", \"content\"}, ..., {\"role\": \"assistant\", "
          + "\"content\": ANSWER}], \"reasoning\": COT}. Without \"reasoning\", a leading <think>...</think> in the "
          + "assistant content is the reasoning (the Hugging Face convention). The loss covers the assistant's turn "
          + "only (reasoning, answer, end of turn), never the prompt.",
      "",
      "OUT receives metrics.jsonl (loss, learning rate, gradient norm, tokens/s, eval loss), checkpoints while "
          + "training (rerunning the same command after a crash resumes), then the model (config.json, "
          + "model.safetensors, tokenizer files) and training.json (settings, data hash, losses)."
    })
final class TrainSftCommand extends BaseCommand {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Base model directory, local:DIR, or tiny.")
  String model;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "SFT examples (JSONL).")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output model directory.")
  Path out;

  @Option(names = "--epochs", defaultValue = "2", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--max-steps", defaultValue = "0", description = "Optimizer steps; 0 = from the epochs.")
  int maxSteps;

  @Option(names = "--lr", defaultValue = "1e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--warmup", defaultValue = "0.05", description = "Warm-up share of the steps (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm clip (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--batch-size", defaultValue = "8", description = "Examples per micro-batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--grad-accum", defaultValue = "1", description = "Micro-batches per step (default: ${DEFAULT-VALUE}).")
  int gradAccum;

  @Option(names = "--max-length", defaultValue = "0", description = "Tokens per example at most; 0 = the model's context.")
  int maxLength;

  @Option(names = "--eval-fraction", defaultValue = "0.05", description = "Held-out share (default: ${DEFAULT-VALUE}).")
  double evalFraction;

  @Option(names = "--eval-every", defaultValue = "50", description = "Steps between eval losses (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--checkpoint-every", defaultValue = "50", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--seed", defaultValue = "0", description = "Data order seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  protected int run() throws Exception {
    SftTrainer.Settings settings;
    try {
      settings = new SftTrainer.Settings(epochs, maxSteps, lr, warmup, 0.1, weightDecay, clip, batchSize, gradAccum,
          maxLength, evalFraction, Math.max(1, evalEvery), Math.max(1, checkpointEvery), 10, seed);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    DirectoryTrainer.TrainingResult result = new SftTrainer(settings).train(ModelDirs.resolve(model, err()::println),
        data, out, line -> {
          err().println(line);
          err().flush();
        });
    out().printf("wrote %s: %d steps, loss %.4f -> %.4f%s, %.0f tokens/s%n", result.dir(), result.steps(),
        result.firstLoss(), result.lastLoss(), result.lastEvalLoss() == null ? ""
            : String.format(", eval loss %.4f -> %.4f", result.firstEvalLoss(), result.lastEvalLoss()),
        result.tokensPerSecond());
    return ExitCode.OK;
  }
}
