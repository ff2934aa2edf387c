/**
 * Local Llama-family models on DJL + PyTorch (CPU, always offline). This package holds only {@link
 * dev.deliberate.engine.Engines}, the one way to get the PyTorch engine (offline mode, thread count). The rest is in
 * sub-packages:
 *
 * <ul>
 *   <li>{@link dev.deliberate.engine.network}: the Llama decoder as pure functions on NDArrays, its config and
 *       weights, and native-memory tensor construction.
 *   <li>{@link dev.deliberate.engine.modelfile}: a model directory on disk — safetensors, {@code tokenizer.json},
 *       chat formats, the loaded {@code LocalModel}, and what a user's model string names.
 *   <li>{@link dev.deliberate.engine.sampling}: batched generation with a KV cache, sampling settings, and the
 *       {@code local:DIR} chat backend.
 *   <li>{@link dev.deliberate.engine.training}: SFT and GRPO trainers, the GRPO objective, AdamW, the judge reward
 *       and the SFT example record.
 *   <li>{@link dev.deliberate.engine.tiny}: the built-in tiny model — its corpus, BPE tokenizer trainer and recipe.
 * </ul>
 *
 * <p>Native memory: every loop step runs in a sub-manager closed at the end of the step; arrays built from Java
 * values are copied into PyTorch-owned memory ({@code network.Tensors}) and restored values are copied natively,
 * never left aliasing a Java buffer.
 */
package dev.deliberate.engine;
