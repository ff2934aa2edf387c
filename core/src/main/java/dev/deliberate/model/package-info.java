/** The {@code ChatModel} seam and its backends: OpenAI-compatible servers and model-string parsing. */
package dev.deliberate.model;
