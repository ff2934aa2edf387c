/**
 * The {@code ChatModel} seam and its backends: the OpenAI-compatible client ({@link
 * dev.deliberate.model.OpenAiChatModel}), model strings ({@link dev.deliberate.model.ModelResolver}, extensible with
 * schemes), {@link dev.deliberate.model.BatchChatModel} for backends faster in batches, the one mapping of failures
 * to retriable or not ({@link dev.deliberate.model.ModelFailures}), the one splitter of reasoning from the answer a
 * user is shown ({@link dev.deliberate.model.ReasoningSplitter}; {@link dev.deliberate.model.ReasoningStream} for a
 * reply still being written), and the one way to get all n choices from servers
 * that return fewer ({@link dev.deliberate.model.Choices}).
 */
package dev.deliberate.model;
