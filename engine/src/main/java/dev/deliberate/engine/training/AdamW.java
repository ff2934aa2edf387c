package dev.deliberate.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.deliberate.engine.modelfile.Safetensors;
import dev.deliberate.engine.network.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), applied in place outside autograd. Decay applies to
 * matrices only, never to norm weights or biases. The moment estimates are named like the parameters so a
 * checkpoint can hold them.
 */
public final class AdamW implements AutoCloseable {
  private final NDManager manager;
  private final Map<String, NDArray> parameters;
  private final Map<String, NDArray> first = new LinkedHashMap<>();
  private final Map<String, NDArray> second = new LinkedHashMap<>();
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private long step;

  public AdamW(NDManager parent, Map<String, NDArray> parameters, double beta1, double beta2, double epsilon,
      double weightDecay) {
    this.manager = parent.newSubManager();
    this.parameters = parameters;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    parameters.forEach((name, p) -> {
      first.put(name, manager.zeros(p.getShape()));
      second.put(name, manager.zeros(p.getShape()));
    });
  }

  public long step() {
    return step;
  }

  /**
   * One update with learning rate {@code lr}; gradients are multiplied by {@code gradScale} first (the clipping
   * factor). Gradients are zeroed afterwards, ready for the next accumulation.
   */
  public void update(double lr, double gradScale) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    double correction2 = 1 - Math.pow(beta2, step);
    for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
      NDArray p = entry.getValue();
      NDArray m = first.get(entry.getKey());
      NDArray v = second.get(entry.getKey());
      // Temporarily attached, every intermediate (created in its first operand's manager) dies with the scope.
      try (NDManager scope = manager.newSubManager()) {
        scope.tempAttachAll(p, m, v);
        NDArray grad = p.getGradient();
        NDArray g = grad.mul(gradScale);
        // m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.square().muli(1 - beta2));
        NDArray update = m.div(correction1).div(v.div(correction2).sqrt().add(epsilon));
        if (decays(entry.getKey(), p)) {
          p.muli(1 - lr * weightDecay);
        }
        p.subi(update.muli(lr));
        grad.muli(0);
      }
    }
  }

  /** The global L2 norm of all gradients. */
  public double gradientNorm() {
    double sum = 0;
    for (NDArray p : parameters.values()) {
      try (NDManager scope = manager.newSubManager()) {
        scope.tempAttachAll(p);
        sum += p.getGradient().square().sum().getFloat();
      }
    }
    return Math.sqrt(sum);
  }

  /** Zeroes the gradients without updating (used after a step whose loss was not finite). */
  public void zeroGradients() {
    for (NDArray p : parameters.values()) {
      try (NDManager scope = manager.newSubManager()) {
        scope.tempAttachAll(p);
        // Multiplying by zero would keep NaN; assignment clears every element.
        p.getGradient().set(new NDIndex(":"), 0);
      }
    }
  }

  private static boolean decays(String name, NDArray p) {
    return p.getShape().dimension() >= 2 && !name.endsWith("norm.weight");
  }

  /** The moment estimates under {@code m.NAME} and {@code v.NAME}, for checkpoints. */
  public Map<String, NDArray> state() {
    Map<String, NDArray> state = new LinkedHashMap<>();
    first.forEach((name, m) -> state.put("m." + name, m));
    second.forEach((name, v) -> state.put("v." + name, v));
    return state;
  }

  /** Restores the moments and the step count from a checkpoint. */
  public void restore(Map<String, Safetensors.Tensor> state, long restoredStep) {
    for (Map.Entry<String, NDArray> e : state().entrySet()) {
      Safetensors.Tensor t = state.get(e.getKey());
      if (t == null) {
        throw new IllegalStateException("optimizer checkpoint lacks " + e.getKey());
      }
      Tensors.copyInto(e.getValue(), t.data());
    }
    step = restoredStep;
  }

  @Override
  public void close() {
    manager.close();
  }
}
