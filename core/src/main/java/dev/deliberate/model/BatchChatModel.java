package dev.deliberate.model;

import java.util.List;

/**
 * A model that answers several requests faster together than one by one: a local model on a CPU, where one
 * forward pass over a batch of sequences costs little more than over one. {@code run.BatchingChatModel} gathers
 * the requests of concurrent callers into such batches.
 */
public interface BatchChatModel extends ChatModel {
  /**
   * The responses to {@code requests}, in their order. A failure fails the whole batch (a {@link ModelException});
   * the caller then asks the requests one at a time, so one bad request fails alone.
   */
  List<ChatResponse> chatAll(List<ChatRequest> requests);
}
