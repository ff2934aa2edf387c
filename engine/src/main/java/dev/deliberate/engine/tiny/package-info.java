/**
 * The built-in tiny model: {@link dev.deliberate.engine.tiny.TinyModel} (the recipe, built once into a cache
 * directory keyed by its hash and the engine's numerics), {@link dev.deliberate.engine.tiny.TinyCorpus} (the
 * helpful-only instruction mix from our own templates, with content-free placeholders for harmful requests) and
 * {@link dev.deliberate.engine.tiny.BpeTrainer} (the byte-level BPE tokenizer trained on it).
 */
package dev.deliberate.engine.tiny;
