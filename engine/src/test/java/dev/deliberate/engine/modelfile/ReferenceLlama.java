package dev.deliberate.engine.modelfile;

import dev.deliberate.engine.network.LlamaConfig;
import java.util.Map;

/**
 * An independent, deliberately naive forward pass in plain Java (no DJL), written straight from the Llama
 * definition, to check the engine against. One sequence, no cache, positions 0..T-1.
 */
final class ReferenceLlama {
  private final LlamaConfig c;
  private final Map<String, Safetensors.Tensor> w;

  ReferenceLlama(LlamaConfig c, Map<String, Safetensors.Tensor> tensors) {
    this.c = c;
    this.w = tensors;
  }

  /** Logits {@code [T][V]} for the token ids. */
  double[][] logits(int[] ids) {
    int t = ids.length;
    int d = c.hiddenSize();
    double[][] x = new double[t][];
    for (int i = 0; i < t; i++) {
      x[i] = row("model.embed_tokens.weight", ids[i], d);
    }
    for (int layer = 0; layer < c.numLayers(); layer++) {
      String p = "model.layers." + layer + ".";
      double[][] attnIn = new double[t][];
      for (int i = 0; i < t; i++) {
        attnIn[i] = rmsNorm(x[i], get(p + "input_layernorm.weight"));
      }
      double[][] attnOut = attention(p, attnIn);
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < d; j++) {
          x[i][j] += attnOut[i][j];
        }
        double[] h = rmsNorm(x[i], get(p + "post_attention_layernorm.weight"));
        double[] gate = matVec(p + "mlp.gate_proj.weight", h, null);
        double[] up = matVec(p + "mlp.up_proj.weight", h, null);
        double[] act = new double[gate.length];
        for (int j = 0; j < gate.length; j++) {
          act[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
        }
        double[] down = matVec(p + "mlp.down_proj.weight", act, null);
        for (int j = 0; j < d; j++) {
          x[i][j] += down[j];
        }
      }
    }
    String head = c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    double[][] logits = new double[t][];
    for (int i = 0; i < t; i++) {
      logits[i] = matVec(head, rmsNorm(x[i], get("model.norm.weight")), null);
    }
    return logits;
  }

  private double[][] attention(String p, double[][] h) {
    int t = h.length;
    int e = c.headDim();
    int heads = c.numHeads();
    double[][] q = new double[t][];
    double[][] k = new double[t][];
    double[][] v = new double[t][];
    for (int i = 0; i < t; i++) {
      q[i] = rope(matVec(p + "self_attn.q_proj.weight", h[i], bias(p + "self_attn.q_proj.bias")), i, heads);
      k[i] = rope(matVec(p + "self_attn.k_proj.weight", h[i], bias(p + "self_attn.k_proj.bias")), i, c.numKvHeads());
      v[i] = matVec(p + "self_attn.v_proj.weight", h[i], bias(p + "self_attn.v_proj.bias"));
    }
    double[][] out = new double[t][];
    for (int i = 0; i < t; i++) {
      double[] merged = new double[heads * e];
      for (int head = 0; head < heads; head++) {
        int kvHead = head / c.groupSize();
        double[] scores = new double[i + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
          double s = 0;
          for (int a = 0; a < e; a++) {
            s += q[i][head * e + a] * k[j][kvHead * e + a];
          }
          scores[j] = s / Math.sqrt(e);
          max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = 0; j <= i; j++) {
          scores[j] = Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (int j = 0; j <= i; j++) {
          for (int a = 0; a < e; a++) {
            merged[head * e + a] += scores[j] / sum * v[j][kvHead * e + a];
          }
        }
      }
      out[i] = matVec(p + "self_attn.o_proj.weight", merged, bias(p + "self_attn.o_proj.bias"));
    }
    return out;
  }

  /** Rotates each head's pair (a, a + E/2) by position * theta^(-2a/E). */
  private double[] rope(double[] vec, int position, int heads) {
    int e = c.headDim();
    double[] out = vec.clone();
    for (int head = 0; head < heads; head++) {
      for (int a = 0; a < e / 2; a++) {
        double angle = position / Math.pow(c.ropeTheta(), 2.0 * a / e);
        double x1 = vec[head * e + a];
        double x2 = vec[head * e + a + e / 2];
        out[head * e + a] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
        out[head * e + a + e / 2] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
      }
    }
    return out;
  }

  private double[] rmsNorm(double[] x, float[] weight) {
    double ms = 0;
    for (double value : x) {
      ms += value * value;
    }
    double inv = 1 / Math.sqrt(ms / x.length + c.rmsNormEps());
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * inv * weight[i];
    }
    return out;
  }

  private double[] matVec(String name, double[] x, float[] bias) {
    Safetensors.Tensor m = w.get(name);
    int rows = (int) m.shape()[0];
    int cols = (int) m.shape()[1];
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = bias == null ? 0 : bias[r];
      for (int j = 0; j < cols; j++) {
        s += m.data()[r * cols + j] * x[j];
      }
      out[r] = s;
    }
    return out;
  }

  private double[] row(String name, int index, int width) {
    double[] out = new double[width];
    for (int j = 0; j < width; j++) {
      out[j] = w.get(name).data()[index * width + j];
    }
    return out;
  }

  private float[] get(String name) {
    return w.get(name).data();
  }

  private float[] bias(String name) {
    Safetensors.Tensor t = w.get(name);
    return t == null ? null : t.data();
  }
}
