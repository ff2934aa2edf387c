package dev.deliberate.pipeline;

import dev.deliberate.data.Prompt;
import dev.deliberate.judge.Judge;
import dev.deliberate.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The training seam between the pipeline and a training engine: a job (the pipeline file's {@code sft} or {@code rl}
 * section, which {@code train sft} and {@code train rl} build from their options too), a dataset and a model go in, a
 * new model directory comes out, with progress lines streamed as it goes. {@code core} cannot see the engine, so the command line passes its
 * implementation in. Both methods resume from the output directory's checkpoint when it holds one made with the same
 * inputs. Model strings are {@code tiny}, {@code local:DIR} or a model directory, already resolved against the
 * pipeline file. I/O failures are thrown as {@link java.io.UncheckedIOException}.
 */
public interface Trainer {
  /** Supervised fine-tuning of {@code model} on {@code data} (our SFT JSONL) into {@code out}; returns a summary line. */
  String sft(PipelineConfig.Sft job, String model, Path data, Path out, Consumer<String> progress);

  /**
   * GRPO of {@code model} on {@code prompts} with {@code judge} as the reward (it never sees the chain of thought),
   * into {@code out}; {@code heldOut} prompts are only evaluated. Returns a summary line.
   */
  String rl(PipelineConfig.Rl job, String model, List<Prompt> prompts, List<Prompt> heldOut, Judge judge, Spec spec,
      Path out, Consumer<String> progress);

  /**
   * Names the engine's RL objective (the reward's shaping and the loss). The RL stage's key holds it, so a run
   * directory trained under an earlier objective retrains RL instead of keeping a model the current code would not
   * make. Change it whenever either changes.
   */
  default String rlObjective() {
    return "";
  }

  /**
   * What the engine's arithmetic depends on beyond the seed (thread count, the math libraries' kernel choice), for
   * the run's manifest: runs that differ here may train different weights from the same seed.
   */
  default Map<String, String> numerics() {
    return Map.of();
  }
}
