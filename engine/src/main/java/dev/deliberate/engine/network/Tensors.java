package dev.deliberate.engine.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Java arrays to NDArrays whose memory PyTorch allocated itself. DJL's plain {@code create} wraps a Java direct
 * buffer; we copy once into native memory so every tensor the network touches has PyTorch's own allocation
 * (and alignment) and no lifetime tied to a Java object: DJL keeps a wrapped buffer alive only as long as its
 * wrapper, while views and the autograd graph may outlive the wrapper.
 */
public final class Tensors {
  private Tensors() {}

  public static NDArray of(NDManager manager, float[] data, Shape shape) {
    return owned(manager, manager.create(data, shape));
  }

  /**
   * A scalar in native memory, attached to {@code manager}. Use it instead of DJL's {@code mul(Number)} and
   * friends inside anything autograd records: those wrap the number in a zero-copy tensor over a Java buffer and
   * close it at once, while the graph keeps the tensor for the backward pass; once the garbage collector frees the
   * buffer, the backward pass reads freed memory (the rare, run-to-run varying NaN gradients we saw).
   */
  public static NDArray scalar(NDManager manager, double value) {
    return of(manager, new float[] {(float) value}, new Shape());
  }

  public static NDArray of(NDManager manager, long[] data, Shape shape) {
    return owned(manager, manager.create(data, shape));
  }

  /**
   * Copies Java values into an existing tensor natively (an indexed assignment). DJL's {@code set(float[])} would
   * instead make the tensor alias a Java buffer, whose lifetime then depends on the garbage collector.
   */
  public static void copyInto(NDArray target, float[] data) {
    try (NDManager scope = target.getManager().newSubManager()) {
      NDArray source = of(scope, data, target.getShape());
      target.set(new NDIndex(":"), source);
    }
  }

  private static NDArray owned(NDManager manager, NDArray wrapped) {
    NDArray copy = wrapped.duplicate();
    copy.attach(manager);
    wrapped.close();
    return copy;
  }
}
