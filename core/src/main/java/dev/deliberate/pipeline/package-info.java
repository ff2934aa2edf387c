/**
 * The pipeline: a YAML file read into {@link dev.deliberate.pipeline.PipelineConfig}, and the stages (import,
 * attack, split, classify, generate, judge, filter, export, sft, rl, eval) run in order in one run directory, each
 * resumable and each also callable on its own. {@link dev.deliberate.pipeline.EvalStage} is the one evaluation path,
 * shared by the eval stage and {@code deliberate eval}; {@link dev.deliberate.pipeline.StageModels} builds a
 * stage's models.
 */
package dev.deliberate.pipeline;
