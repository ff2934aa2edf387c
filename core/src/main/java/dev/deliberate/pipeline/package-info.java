/**
 * The pipeline: a YAML file read into {@link dev.deliberate.pipeline.PipelineConfig}, and the stages (import,
 * attack, split, classify, generate, judge, filter, export) run in order in one run directory, each resumable and
 * each also callable on its own.
 */
package dev.deliberate.pipeline;
