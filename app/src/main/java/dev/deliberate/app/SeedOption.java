package dev.deliberate.app;

import picocli.CommandLine.Option;

/**
 * {@code --seed S}, the same in every command: one default, the pipeline's default seed ({@code seed:} in a
 * pipeline file), so that a command run alone and the same stage in a pipeline draw the same random choices.
 */
final class SeedOption {
  /** The pipeline's default seed ({@code PipelineConfig}'s). */
  static final long DEFAULT = 1;

  @Option(names = "--seed", defaultValue = "" + DEFAULT, paramLabel = "S",
      description = "Seed of every random choice (sampling, data order, splits, the bootstrap); a command that needs"
          + " several adds 1, 2, ... to it (default: ${DEFAULT-VALUE}, the pipeline's default seed).")
  long seed;
}
