/**
 * Sampling: {@link dev.deliberate.engine.sampling.Sampler} (batched, left-padded, KV-cached generation with
 * temperature, top-p, stop strings and a seed; an optional per-step listener for streaming), {@link dev.deliberate.engine.sampling.GenerationSettings} and {@link dev.deliberate.engine.sampling.LocalChatModel}, the
 * {@code local:DIR} backend behind core's {@code ChatModel} seam.
 */
package dev.deliberate.engine.sampling;
