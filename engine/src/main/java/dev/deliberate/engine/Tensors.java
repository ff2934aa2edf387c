package dev.deliberate.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Java arrays to NDArrays whose memory PyTorch allocated itself. DJL's plain {@code create} wraps a Java direct
 * buffer; we copy once into native memory so every tensor the network touches has PyTorch's own allocation
 * (and alignment) and no lifetime tied to a Java object. We saw rare, run-to-run varying NaN gradients during
 * training before this copy; see the engine notes.
 */
final class Tensors {
  private Tensors() {}

  static NDArray of(NDManager manager, float[] data, Shape shape) {
    return owned(manager, manager.create(data, shape));
  }

  static NDArray of(NDManager manager, long[] data, Shape shape) {
    return owned(manager, manager.create(data, shape));
  }

  /**
   * Copies Java values into an existing tensor natively (an indexed assignment). DJL's {@code set(float[])} would
   * instead make the tensor alias a Java buffer, whose lifetime then depends on the garbage collector.
   */
  static void copyInto(NDArray target, float[] data) {
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
