package dev.deliberate.model;

/**
 * The seam between every stage and every model backend: an OpenAI-compatible server, a local model, or the
 * offline reference components. Implementations are thread-safe.
 */
public interface ChatModel {
  /** A stable identifier of the model, used in cache keys and manifests (never contains a secret). */
  String id();

  /** Sends one request and returns all its choices; throws {@link ModelException} when the call failed. */
  ChatResponse chat(ChatRequest request);

  /**
   * Whether the run machinery keeps this model's replies in the response cache: true unless asking again is free
   * and gives the same reply (the offline reference models).
   */
  default boolean cacheable() {
    return true;
  }

  /**
   * Says that the reply to {@code request} could not be used (not the JSON asked for, no usable sample), so that a
   * store of replies drops it and the same request asks the model again instead of returning the same bad reply
   * forever. A model that stores nothing does nothing.
   */
  default void forget(ChatRequest request) {}
}
