/**
 * Model files: GGUF read and checked ({@link dev.deliberate.engine.modelfile.GgufFile}, tensor types and their
 * dequantization in {@link dev.deliberate.engine.modelfile.GgmlType}), and a Llama GGUF turned into a Hugging
 * Face model directory ({@link dev.deliberate.engine.modelfile.GgufImport}, the tokenizer through
 * {@link dev.deliberate.engine.modelfile.GgufTokenizer}).
 */
package dev.deliberate.engine.modelfile;
