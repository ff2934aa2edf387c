/**
 * Model files and tokenizers: a Hugging Face model directory on disk and its loaded form. {@link
 * dev.deliberate.engine.modelfile.LocalModel} (config, weights, tokenizer and chat format of one directory, saved and
 * loaded); {@link dev.deliberate.engine.modelfile.Safetensors} (F32/F16/BF16 read, F32 write); {@link
 * dev.deliberate.engine.modelfile.TextTokenizer} ({@code tokenizer.json}) and {@link
 * dev.deliberate.engine.modelfile.TokenizerFiles} (writes our tokenizer files); {@link
 * dev.deliberate.engine.modelfile.ChatFormat} (our {@code <think>} layout or ChatML, recognised from the chat
 * template); {@link dev.deliberate.engine.modelfile.ModelDirs} (a user's {@code tiny}, {@code local:PATH} or
 * {@code PATH} to a directory).
 */
package dev.deliberate.engine.modelfile;
