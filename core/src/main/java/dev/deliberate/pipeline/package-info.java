/**
 * The pipeline: a YAML file read into {@link dev.deliberate.pipeline.PipelineConfig}, and the stages (import,
 * attack, split, classify, generate, judge, filter, export, sft, rl, eval, report) run in order in one run
 * directory, each resumable and each also callable on its own; the quickstart is one such file.
 * {@link dev.deliberate.pipeline.EvalStage} is the one evaluation path, shared by the eval stage and
 * {@code deliberate eval}; {@link dev.deliberate.pipeline.Trainer} is the training seam the engine fills. Models
 * are built by the run machinery's {@link dev.deliberate.run.StageModels}.
 */
package dev.deliberate.pipeline;
