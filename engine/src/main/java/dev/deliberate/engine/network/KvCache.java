package dev.deliberate.engine.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the positions already processed, one pair per layer, so each new token costs one position
 * instead of the whole prefix. Each layer's pair is allocated once, for {@code capacity} positions, in the cache's
 * own manager, and every append writes its positions in place: a decoding step copies one position per layer, not
 * the whole cache (a concatenation would copy and newly allocate all of it, per layer and step).
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final long capacity;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final long[] lengths;

  /** A cache for up to {@code capacity} positions (prompt and generated tokens together). */
  public KvCache(NDManager parent, int layers, long capacity) {
    this.manager = parent.newSubManager();
    this.capacity = capacity;
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.lengths = new long[layers];
  }

  /**
   * Writes the new keys and values of one layer after the positions held so far and returns all of them.
   *
   * @param k new keys {@code [B, K, T, E]}
   * @param v new values {@code [B, K, T, E]}
   * @return keys and values {@code [B, K, S, E]}: views of the cache, attached to {@code k}'s manager (closing
   *     them leaves the cache as it is)
   */
  public NDList append(int layer, NDArray k, NDArray v) {
    Shape shape = k.getShape();
    long from = lengths[layer];
    long upTo = from + shape.get(2);
    if (upTo > capacity) {
      throw new IllegalStateException("KV cache of " + capacity + " positions cannot take position " + (upTo - 1));
    }
    if (keys[layer] == null) {
      Shape full = new Shape(shape.get(0), shape.get(1), capacity, shape.get(3));
      keys[layer] = manager.zeros(full, k.getDataType());
      values[layer] = manager.zeros(full, v.getDataType());
    }
    NDIndex written = new NDIndex().addAllDim(2).addSliceDim(from, upTo);
    keys[layer].set(written, k);
    values[layer].set(written, v);
    lengths[layer] = upTo;
    NDIndex held = new NDIndex().addAllDim(2).addSliceDim(0, upTo);
    NDArray allK = keys[layer].get(held);
    NDArray allV = values[layer].get(held);
    allK.attach(k.getManager());
    allV.attach(k.getManager());
    return new NDList(allK, allV);
  }

  /** Positions held so far (S). */
  public long length() {
    return lengths[0];
  }

  @Override
  public void close() {
    manager.close();
  }
}
