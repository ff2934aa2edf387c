/**
 * The network: {@link dev.deliberate.engine.network.Llama}, the Llama-family decoder as pure functions on NDArrays
 * (shapes in its Javadoc; Llama and Qwen2 variants); {@link dev.deliberate.engine.network.LlamaConfig}, the
 * architecture as Hugging Face's {@code config.json} states it; {@link dev.deliberate.engine.network.LlamaWeights},
 * the parameters under Hugging Face tensor names; {@link dev.deliberate.engine.network.Tensors}, Java arrays copied
 * into PyTorch-owned memory and the native scalars to use inside autograd; {@link
 * dev.deliberate.engine.network.KvCache}, the keys and values the forward pass keeps between decoding steps.
 */
package dev.deliberate.engine.network;
