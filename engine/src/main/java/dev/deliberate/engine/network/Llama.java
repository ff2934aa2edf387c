package dev.deliberate.engine.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;

/**
 * The Llama-family decoder as pure functions on NDArrays. Shapes use B = batch, T = new tokens, S = all key
 * positions (cached + new), D = hidden size, H = query heads, K = key/value heads, G = H / K, E = head dim,
 * V = vocabulary, F = MLP width.
 */
public final class Llama {
  /** Added to the scores of positions a query must not see; finite so that fully masked rows stay NaN-free. */
  public static final float MASKED = -1e9f;

  private Llama() {}

  /**
   * The forward pass: token ids to next-token logits.
   *
   * @param ids token ids {@code [B, T]} (int64)
   * @param positions the rotary position of each token {@code [B, T]} (int64)
   * @param mask additive attention mask broadcastable to {@code [B, K, G, T, S]}, 0 where a query may look and
   *     {@link #MASKED} where it may not
   * @param cache the keys and values of earlier positions, extended in place; null when there are none
   * @return logits {@code [B, T, V]}
   */
  public static NDArray forward(LlamaConfig c, LlamaWeights w, NDArray ids, NDArray positions, NDArray mask,
      KvCache cache) {
    return forward(c, w, ids, positions, mask, cache, true, false);
  }

  /**
   * The forward pass for inference: the same arithmetic as {@link #forward}, but each layer's intermediates (the
   * attention scores above all, {@code [B, K, G*T, S]} per layer) are freed when the layer is done instead of
   * living until the caller's manager closes. Nothing can run backward through the result. A batch-8 prefill of a
   * 1 000-token prompt on SmolLM2 otherwise holds about 30 layers of scores at once.
   */
  public static NDArray infer(LlamaConfig c, LlamaWeights w, NDArray ids, NDArray positions, NDArray mask,
      KvCache cache) {
    return forward(c, w, ids, positions, mask, cache, false, false);
  }

  /**
   * {@link #infer} for sampling: the logits of the last position only, {@code [B, 1, V]}. A prefill then applies
   * the head (V = 49 152 rows on SmolLM2) to one position per row instead of to the whole prompt.
   */
  public static NDArray nextTokenLogits(LlamaConfig c, LlamaWeights w, NDArray ids, NDArray positions, NDArray mask,
      KvCache cache) {
    return forward(c, w, ids, positions, mask, cache, false, true);
  }

  private static NDArray forward(LlamaConfig c, LlamaWeights w, NDArray ids, NDArray positions, NDArray mask,
      KvCache cache, boolean keepIntermediates, boolean lastPositionOnly) {
    // Token embeddings: x [B, T, D], float32 whatever type the table is stored in
    NDArray x = embed(ids, w.embed());
    if (x.getDataType() != DataType.FLOAT32) {
      x = x.toType(DataType.FLOAT32, false);
    }
    // Rotary tables for these positions: cos, sin [B, 1, T, E]
    NDList rope = ropeTables(positions, c.headDim(), c.ropeTheta());
    // The scalars, made once per pass: each one costs several native calls, and a decoding step is call-bound.
    NDArray eps = Tensors.scalar(x.getManager(), c.rmsNormEps());
    NDArray scale = Tensors.scalar(x.getManager(), 1.0 / Math.sqrt(c.headDim()));
    for (int i = 0; i < c.numLayers(); i++) {
      if (keepIntermediates) {
        x = layer(c, w.layers().get(i), x, rope, mask, eps, scale, cache, i);
        continue;
      }
      // Every result of an operation joins its first operand's manager, so a layer run on an x attached to a
      // scratch manager leaves all its intermediates there; only the layer's output is handed back.
      NDManager outer = x.getManager();
      try (NDManager scratch = outer.newSubManager()) {
        x.attach(scratch);
        x = layer(c, w.layers().get(i), x, rope, mask, eps, scale, cache, i);
        x.attach(outer);
      }
    }
    // Final norm and the language-model head: logits [B, T, V], or [B, 1, V]
    if (lastPositionOnly) {
      x = x.get(new NDIndex(":, -1:, :"));
    }
    x = rmsNorm(x, w.finalNorm(), eps);
    return linear(x, w.lmHead(), null);
  }

  /** One decoder layer, attention then MLP, each with its residual: x [B, T, D] in and out. */
  private static NDArray layer(LlamaConfig c, LlamaWeights.Layer layer, NDArray x, NDList rope, NDArray mask,
      NDArray eps, NDArray scale, KvCache cache, int index) {
    NDArray h = rmsNorm(x, layer.attnNorm(), eps);
    x = x.add(attention(c, layer, h, rope.get(0), rope.get(1), mask, scale, cache, index));
    h = rmsNorm(x, layer.mlpNorm(), eps);
    return x.add(swiGlu(h, layer.wGate(), layer.wUp(), layer.wDown()));
  }

  /**
   * Grouped-query self-attention of one layer.
   *
   * @param h normalised input {@code [B, T, D]}
   * @param cos rotary cosines {@code [B, 1, T, E]}
   * @param sin rotary sines {@code [B, 1, T, E]}
   * @return the attention output projected back to {@code [B, T, D]}
   */
  static NDArray attention(LlamaConfig c, LlamaWeights.Layer l, NDArray h, NDArray cos, NDArray sin, NDArray mask,
      NDArray scale, KvCache cache, int layerIndex) {
    long b = h.getShape().get(0);
    long t = h.getShape().get(1);
    int heads = c.numHeads();
    int kvHeads = c.numKvHeads();
    int e = c.headDim();
    // Projections, split into heads: q [B, H, T, E], k and v [B, K, T, E]
    NDArray q = linear(h, l.wq(), l.bq()).reshape(b, t, heads, e).transpose(0, 2, 1, 3);
    NDArray k = linear(h, l.wk(), l.bk()).reshape(b, t, kvHeads, e).transpose(0, 2, 1, 3);
    NDArray v = linear(h, l.wv(), l.bv()).reshape(b, t, kvHeads, e).transpose(0, 2, 1, 3);
    // Rotary position embeddings on queries and keys
    q = applyRope(q, cos, sin);
    k = applyRope(k, cos, sin);
    // Cache: keys and values of all positions so far, k and v [B, K, S, E]
    if (cache != null) {
      NDList kv = cache.append(layerIndex, k, v);
      k = kv.get(0);
      v = kv.get(1);
    }
    // Scaled dot-product attention, the G query heads of each key/value head stacked along the query axis, so
    // that one product per key/value head serves all G without copying keys and values: out [B, K, G*T, E]
    NDArray out = groupedAttention(q.reshape(b, kvHeads, (long) c.groupSize() * t, e), k, v, mask, scale, c.groupSize());
    // Heads back together and the output projection: [B, T, D]
    NDArray merged = out.reshape(b, heads, t, e).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * e);
    return linear(merged, l.wo(), l.bo());
  }

  /**
   * softmax(q k^T / sqrt(E) + mask) v, for G query heads per key/value head.
   *
   * @param q queries {@code [B, K, G*T, E]}, the G heads of a key/value head one after the other
   * @param k keys {@code [B, K, S, E]}
   * @param v values {@code [B, K, S, E]}
   * @param mask additive mask broadcastable to {@code [B, K, G, T, S]}
   * @param scale 1 / sqrt(E), a scalar tensor
   * @return {@code [B, K, G*T, E]}
   */
  static NDArray groupedAttention(NDArray q, NDArray k, NDArray v, NDArray mask, NDArray scale, int groups) {
    Shape qs = q.getShape();
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale);
    if (mask != null) {
      long s = scores.getShape().get(3);
      scores = scores.reshape(qs.get(0), qs.get(1), groups, qs.get(2) / groups, s).add(mask)
          .reshape(qs.get(0), qs.get(1), qs.get(2), s);
    }
    return scores.softmax(-1).matMul(v);
  }

  /**
   * Root-mean-square norm: x / sqrt(mean(x^2) + eps) * weight.
   *
   * @param x {@code [..., D]}
   * @param weight {@code [D]}
   * @param eps the config's epsilon as a scalar tensor
   */
  public static NDArray rmsNorm(NDArray x, NDArray weight, NDArray eps) {
    NDArray meanSquare = x.square().mean(new int[] {-1}, true);
    return x.div(meanSquare.add(eps).sqrt()).mul(weight);
  }

  /**
   * The SwiGLU MLP: down(silu(gate(x)) * up(x)).
   *
   * @param x {@code [..., D]}
   * @param gate {@code [F, D]}
   * @param up {@code [F, D]}
   * @param down {@code [D, F]}
   */
  public static NDArray swiGlu(NDArray x, NDArray gate, NDArray up, NDArray down) {
    NDArray g = linear(x, gate, null);
    return linear(g.mul(Activation.sigmoid(g)).mul(linear(x, up, null)), down, null);
  }

  /**
   * x W^T + b, as PyTorch's linear layer. When the weight is stored in another type than x (half-precision
   * matrices, {@link LlamaWeights#withMatrices}), x is converted to it and the result back to x's type.
   *
   * <p>With {@code 2..}{@link #FEW_ROWS} rows (a batched decoding step: one row per sequence) the same dot products
   * are computed as (W x^T)^T: PyTorch's CPU kernel for a product with few rows and many columns is much slower
   * than for many rows and few columns (on SmolLM2 at 8 rows, 1.1 - 1.6x for the layers' matrices and 2.2 - 2.7x for
   * the 49 152-row head, whose weights do not fit in any cache). The two agree up to float rounding.
   *
   * @param x {@code [..., in]}
   * @param weight {@code [out, in]}
   * @param bias {@code [out]} or null
   * @return {@code [..., out]}
   */
  public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    if (weight.getDataType() != x.getDataType()) {
      NDArray narrow = x.toType(weight.getDataType(), false);
      return linear(narrow, weight, bias).toType(x.getDataType(), false);
    }
    Shape shape = x.getShape();
    long in = shape.get(shape.dimension() - 1);
    long rows = shape.size() / in;
    if (rows < 2 || rows > FEW_ROWS) {
      return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }
    // The product would join the weight's manager (the model's, which lives as long as the model): moved to x's.
    NDArray columns = weight.matMul(x.reshape(rows, in).transpose());
    columns.attach(x.getManager());
    // Transposed back and flattened: a contiguous copy. Left a strided view, its layout would spread to every
    // elementwise result that follows (PyTorch keeps an input's strides).
    NDArray product = columns.transpose().reshape(-1)
        .reshape(shape.slice(0, shape.dimension() - 1).add(weight.getShape().get(0)));
    return bias == null ? product : product.add(bias);
  }

  /** The most rows {@link #linear} computes as (W x^T)^T: still a little faster at 32, the same speed at 168. */
  static final long FEW_ROWS = 64;

  /**
   * Embedding lookup.
   *
   * @param ids {@code [B, T]} int64
   * @param table {@code [V, D]}
   * @return {@code [B, T, D]}
   */
  public static NDArray embed(NDArray ids, NDArray table) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * Cosine and sine tables of rotary embeddings in Hugging Face's layout: frequency i (of E/2) is
   * theta^(-2i/E), and the table repeats the E/2 angles twice, matching {@link #rotateHalf}.
   *
   * @param positions {@code [B, T]} int64
   * @return cos and sin, each {@code [B, 1, T, E]}
   */
  public static NDList ropeTables(NDArray positions, int headDim, double theta) {
    int half = headDim / 2;
    float[] inverse = new float[half];
    for (int i = 0; i < half; i++) {
      inverse[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
    }
    NDManager manager = positions.getManager();
    NDArray angles = positions.toType(DataType.FLOAT32, false).expandDims(-1)
        .mul(Tensors.of(manager, inverse, new Shape(half)));
    NDArray full = angles.concat(angles, -1).expandDims(1);
    return new NDList(full.cos(), full.sin());
  }

  /**
   * x * cos + rotateHalf(x) * sin.
   *
   * @param x {@code [B, heads, T, E]}
   * @param cos {@code [B, 1, T, E]}
   * @param sin {@code [B, 1, T, E]}
   */
  public static NDArray applyRope(NDArray x, NDArray cos, NDArray sin) {
    return x.mul(cos).add(rotateHalf(x).mul(sin));
  }

  /** Splits the last axis in two halves (a, b) and returns (-b, a). */
  static NDArray rotateHalf(NDArray x) {
    NDList halves = x.split(2, x.getShape().dimension() - 1);
    return halves.get(1).neg().concat(halves.get(0), -1);
  }

  /**
   * The causal mask for a sequence that starts at position 0 and has no padding on its left.
   *
   * @return {@code [1, 1, 1, T, T]}, 0 on and below the diagonal, {@link #MASKED} above it
   */
  public static NDArray causalMask(NDManager manager, int t) {
    float[] mask = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        mask[i * t + j] = MASKED;
      }
    }
    return Tensors.of(manager, mask, new Shape(1, 1, 1, t, t));
  }
}
