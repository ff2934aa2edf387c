package dev.deliberate.engine.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of the positions already processed, one pair per layer, so each new token costs one position
 * instead of the whole prefix. Arrays live in the cache's own manager; each append frees the previous pair, so a
 * long generation holds only the current cache.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;

  public KvCache(NDManager parent, int layers) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /**
   * Appends the new keys and values of one layer along the position axis and returns all of them.
   *
   * @param k new keys {@code [B, K, T, E]}
   * @param v new values {@code [B, K, T, E]}
   * @return keys and values {@code [B, K, S, E]}
   */
  public NDList append(int layer, NDArray k, NDArray v) {
    NDArray allK = keys[layer] == null ? k.duplicate() : keys[layer].concat(k, 2);
    NDArray allV = values[layer] == null ? v.duplicate() : values[layer].concat(v, 2);
    allK.attach(manager);
    allV.attach(manager);
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = allK;
    values[layer] = allV;
    return new NDList(allK, allV);
  }

  /** Positions held so far (S). */
  public long length() {
    return keys[0] == null ? 0 : keys[0].getShape().get(2);
  }

  @Override
  public void close() {
    manager.close();
  }
}
