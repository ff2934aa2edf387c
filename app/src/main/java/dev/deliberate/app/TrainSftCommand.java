package dev.deliberate.app;

import dev.deliberate.engine.training.EngineTrainer;
import dev.deliberate.pipeline.PipelineConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "sft",
    mixinStandardHelpOptions = true,
    defaultValueProvider = TrainSftCommand.Defaults.class,
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
          + "model.safetensors, tokenizer files) and training.json (settings, data hash, losses).",
      "",
      "Every option below except --out is a field of a pipeline file's sft section, with the same default."
    })
final class TrainSftCommand extends BaseCommand {
  /** The defaults shown in --help are the SFT job's own. */
  static final class Defaults extends JobOptions<PipelineConfig.Sft> {
    Defaults() {
      super(PipelineConfig.Sft.class, Map.of("model", "tiny"));
    }
  }

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Base model directory, local:DIR, or tiny.")
  String model;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "SFT examples (JSONL).")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output model directory.")
  Path out;

  @Option(names = "--epochs", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
  Integer epochs;

  @Option(names = {"--steps", "--max-steps"}, description = "Optimizer steps; 0 = from the epochs (default: ${DEFAULT-VALUE}).")
  Integer steps;

  @Option(names = "--lr", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  Double lr;

  @Option(names = "--warmup", description = "Warm-up share of the steps (default: ${DEFAULT-VALUE}).")
  Double warmup;

  @Option(names = "--min-lr-ratio", description = "The cosine schedule ends at this share of the peak (default: ${DEFAULT-VALUE}).")
  Double minLrRatio;

  @Option(names = "--weight-decay", description = "AdamW decay (default: ${DEFAULT-VALUE}).")
  Double weightDecay;

  @Option(names = "--clip", description = "Global gradient-norm clip (default: ${DEFAULT-VALUE}).")
  Double clip;

  @Option(names = {"--batch", "--batch-size"}, description = "Examples per micro-batch (default: ${DEFAULT-VALUE}).")
  Integer batch;

  @Option(names = "--grad-accum", description = "Micro-batches per step (default: ${DEFAULT-VALUE}).")
  Integer gradAccum;

  @Option(names = "--max-length", description = "Tokens per example at most; 0 = the model's context (default: ${DEFAULT-VALUE}).")
  Integer maxLength;

  @Option(names = "--eval-fraction", description = "Held-out share (default: ${DEFAULT-VALUE}).")
  Double evalFraction;

  @Option(names = "--eval-every", description = "Steps between eval losses (default: ${DEFAULT-VALUE}).")
  Integer evalEvery;

  @Option(names = "--checkpoint-every", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
  Integer checkpointEvery;

  @Option(names = "--log-every", description = "Steps between progress lines (default: ${DEFAULT-VALUE}).")
  Integer logEvery;

  @Mixin SeedOption seedOption;

  @Override
  protected int run() throws Exception {
    PipelineConfig.Sft job = new Defaults().job(spec, "train sft");
    String summary = new EngineTrainer().sft(job, model, data, out, line -> {
      err().println(line);
      err().flush();
    });
    out().printf("wrote %s: %s%n", out, summary);
    return ExitCode.OK;
  }
}
