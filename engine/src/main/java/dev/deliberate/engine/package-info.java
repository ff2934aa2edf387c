/**
 * Local Llama-family models on DJL + PyTorch (CPU, always offline).
 *
 * <ul>
 *   <li>The network: {@link dev.deliberate.engine.Llama} (pure functions on NDArrays, shapes in the Javadoc),
 *       {@link dev.deliberate.engine.LlamaConfig} (Hugging Face {@code config.json}, Llama and Qwen2 fields),
 *       {@link dev.deliberate.engine.LlamaWeights} (Hugging Face tensor names), {@link
 *       dev.deliberate.engine.Safetensors} (F32/F16/BF16 read, F32 write).
 *   <li>A model directory: {@link dev.deliberate.engine.LocalModel}; text through {@link
 *       dev.deliberate.engine.TextTokenizer} ({@code tokenizer.json}); chat layout through {@link
 *       dev.deliberate.engine.ChatFormat} (ours with {@code <think>} reasoning, or ChatML).
 *   <li>Sampling: {@link dev.deliberate.engine.Generator} (batched, KV cache, temperature, top-p, stop strings,
 *       seeded); the {@code local:DIR} backend {@link dev.deliberate.engine.LocalChatModel}.
 *   <li>Training: {@link dev.deliberate.engine.Trainer} and {@link dev.deliberate.engine.SftTrainer}.
 *   <li>The built-in tiny model: {@link dev.deliberate.engine.TinyModel}, {@link dev.deliberate.engine.TinyCorpus},
 *       {@link dev.deliberate.engine.BpeTrainer}.
 * </ul>
 *
 * <p>Native memory: every loop step runs in a sub-manager closed at the end of the step; arrays built from Java
 * values are copied into PyTorch-owned memory ({@code Tensors}) and restored values are copied natively, never
 * left aliasing a Java buffer.
 */
package dev.deliberate.engine;
