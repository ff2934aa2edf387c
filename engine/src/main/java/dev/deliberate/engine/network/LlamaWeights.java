package dev.deliberate.engine.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.deliberate.BadInputException;
import dev.deliberate.engine.modelfile.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The parameters of a Llama-family decoder, named as Hugging Face names them. Linear weights are
 * {@code [out, in]} as in PyTorch; biases are null when the config has none; {@code lmHead} is the embedding
 * itself when the embeddings are tied.
 */
public record LlamaWeights(NDArray embed, List<Layer> layers, NDArray finalNorm, NDArray lmHead) {

  /** One decoder layer: attention then MLP, each after its own RMSNorm. */
  public record Layer(
      NDArray attnNorm, NDArray wq, NDArray bq, NDArray wk, NDArray bk, NDArray wv, NDArray bv, NDArray wo,
      NDArray bo, NDArray mlpNorm, NDArray wGate, NDArray wUp, NDArray wDown) {}

  public LlamaWeights {
    layers = List.copyOf(layers);
  }

  /** Every trainable tensor under its Hugging Face name (the tied head appears once, as the embedding). */
  public Map<String, NDArray> named() {
    Map<String, NDArray> named = new LinkedHashMap<>();
    named.put("model.embed_tokens.weight", embed);
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      String p = "model.layers." + i + ".";
      named.put(p + "input_layernorm.weight", l.attnNorm());
      named.put(p + "self_attn.q_proj.weight", l.wq());
      putIfPresent(named, p + "self_attn.q_proj.bias", l.bq());
      named.put(p + "self_attn.k_proj.weight", l.wk());
      putIfPresent(named, p + "self_attn.k_proj.bias", l.bk());
      named.put(p + "self_attn.v_proj.weight", l.wv());
      putIfPresent(named, p + "self_attn.v_proj.bias", l.bv());
      named.put(p + "self_attn.o_proj.weight", l.wo());
      putIfPresent(named, p + "self_attn.o_proj.bias", l.bo());
      named.put(p + "post_attention_layernorm.weight", l.mlpNorm());
      named.put(p + "mlp.gate_proj.weight", l.wGate());
      named.put(p + "mlp.up_proj.weight", l.wUp());
      named.put(p + "mlp.down_proj.weight", l.wDown());
    }
    named.put("model.norm.weight", finalNorm);
    if (lmHead != embed) {
      named.put("lm_head.weight", lmHead);
    }
    return named;
  }

  private static void putIfPresent(Map<String, NDArray> named, String name, NDArray array) {
    if (array != null) {
      named.put(name, array);
    }
  }

  /**
   * These weights with the embedding, the head and every linear weight and bias converted to {@code type} (norms
   * stay float32), in {@code manager}; the originals are left as they are. Half-precision matrices halve the bytes
   * a decoding step reads (its cost at batch 1); {@link Llama#linear} then multiplies in that type.
   */
  public LlamaWeights withMatrices(DataType type, NDManager manager) {
    java.util.function.UnaryOperator<NDArray> convert = a -> {
      if (a == null) {
        return null;
      }
      NDArray converted = a.toType(type, true);
      converted.attach(manager);
      return converted;
    };
    List<Layer> converted = new ArrayList<>();
    for (Layer l : layers) {
      converted.add(new Layer(l.attnNorm(), convert.apply(l.wq()), convert.apply(l.bq()), convert.apply(l.wk()),
          convert.apply(l.bk()), convert.apply(l.wv()), convert.apply(l.bv()), convert.apply(l.wo()),
          convert.apply(l.bo()), l.mlpNorm(), convert.apply(l.wGate()), convert.apply(l.wUp()),
          convert.apply(l.wDown())));
    }
    NDArray newEmbed = convert.apply(embed);
    return new LlamaWeights(newEmbed, converted, finalNorm, lmHead == embed ? newEmbed : convert.apply(lmHead));
  }

  /** The expected shape of every tensor the config calls for, by Hugging Face name. */
  public static Map<String, long[]> expectedShapes(LlamaConfig c) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    long d = c.hiddenSize();
    long q = (long) c.numHeads() * c.headDim();
    long kv = (long) c.numKvHeads() * c.headDim();
    shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "model.layers." + i + ".";
      shapes.put(p + "input_layernorm.weight", new long[] {d});
      shapes.put(p + "self_attn.q_proj.weight", new long[] {q, d});
      shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
      shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
      if (c.qkvBias()) {
        shapes.put(p + "self_attn.q_proj.bias", new long[] {q});
        shapes.put(p + "self_attn.k_proj.bias", new long[] {kv});
        shapes.put(p + "self_attn.v_proj.bias", new long[] {kv});
      }
      shapes.put(p + "self_attn.o_proj.weight", new long[] {d, q});
      if (c.outputBias()) {
        shapes.put(p + "self_attn.o_proj.bias", new long[] {d});
      }
      shapes.put(p + "post_attention_layernorm.weight", new long[] {d});
      shapes.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), d});
      shapes.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), d});
      shapes.put(p + "mlp.down_proj.weight", new long[] {d, c.intermediateSize()});
    }
    shapes.put("model.norm.weight", new long[] {d});
    if (!c.tieWordEmbeddings()) {
      shapes.put("lm_head.weight", new long[] {c.vocabSize(), d});
    }
    return shapes;
  }

  /**
   * Builds the weights from named tensors, checking that every tensor the config needs is there with the right
   * shape. {@code source} names the file in error messages.
   */
  public static LlamaWeights fromTensors(LlamaConfig c, Map<String, Safetensors.Tensor> tensors, NDManager manager,
      String source) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> expected : expectedShapes(c).entrySet()) {
      Safetensors.Tensor t = tensors.get(expected.getKey());
      if (t == null) {
        throw new BadInputException(source + ": tensor " + expected.getKey() + ": missing (config.json asks for it)");
      }
      if (!Arrays.equals(t.shape(), expected.getValue())) {
        throw new BadInputException(source + ": tensor " + expected.getKey() + ": shape " + Arrays.toString(t.shape())
            + ", expected " + Arrays.toString(expected.getValue()) + " from config.json");
      }
      arrays.put(expected.getKey(), Tensors.of(manager, t.data(), new Shape(t.shape())));
    }
    return fromNamed(c, arrays);
  }

  /** Assembles the record from arrays named as in {@link #named()}. */
  static LlamaWeights fromNamed(LlamaConfig c, Map<String, NDArray> a) {
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "model.layers." + i + ".";
      layers.add(new Layer(
          a.get(p + "input_layernorm.weight"),
          a.get(p + "self_attn.q_proj.weight"), a.get(p + "self_attn.q_proj.bias"),
          a.get(p + "self_attn.k_proj.weight"), a.get(p + "self_attn.k_proj.bias"),
          a.get(p + "self_attn.v_proj.weight"), a.get(p + "self_attn.v_proj.bias"),
          a.get(p + "self_attn.o_proj.weight"), a.get(p + "self_attn.o_proj.bias"),
          a.get(p + "post_attention_layernorm.weight"),
          a.get(p + "mlp.gate_proj.weight"), a.get(p + "mlp.up_proj.weight"), a.get(p + "mlp.down_proj.weight")));
    }
    NDArray embed = a.get("model.embed_tokens.weight");
    NDArray head = c.tieWordEmbeddings() ? embed : a.get("lm_head.weight");
    return new LlamaWeights(embed, layers, a.get("model.norm.weight"), head);
  }

  /**
   * Fresh weights for training from scratch, deterministic in {@code seed}: normal(0, 0.02) for matrices (the
   * output projections scaled down by sqrt(2 * layers) so the residual stream starts small), ones for norms,
   * zeros for biases.
   */
  public static Map<String, Safetensors.Tensor> randomTensors(LlamaConfig c, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    double residualScale = 1.0 / Math.sqrt(2.0 * c.numLayers());
    for (Map.Entry<String, long[]> e : expectedShapes(c).entrySet()) {
      String name = e.getKey();
      int size = (int) Arrays.stream(e.getValue()).reduce(1, (x, y) -> x * y);
      float[] data = new float[size];
      if (name.endsWith("norm.weight")) {
        Arrays.fill(data, 1f);
      } else if (!name.endsWith(".bias")) {
        double std = 0.02 * (name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight") ? residualScale : 1);
        for (int i = 0; i < size; i++) {
          data[i] = (float) (gaussian(random) * std);
        }
      }
      tensors.put(name, new Safetensors.Tensor(e.getValue(), data));
    }
    return tensors;
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller, so the values do not depend on the JDK's nextGaussian algorithm.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Reads {@code model.safetensors} of a model directory. */
  public static LlamaWeights load(LlamaConfig c, Path dir, NDManager manager) {
    Path file = dir.resolve("model.safetensors");
    try {
      return fromTensors(c, Safetensors.read(file), manager, file.toString());
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    }
  }

  /** The weights as plain Java tensors, by Hugging Face name. */
  public Map<String, Safetensors.Tensor> toTensors() {
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    named().forEach((name, array) -> tensors.put(name,
        new Safetensors.Tensor(array.getShape().getShape(), array.toType(DataType.FLOAT32, false).toFloatArray())));
    return tensors;
  }

  /** Writes {@code DIR/model.safetensors} in F32. */
  public void save(Path dir) throws IOException {
    Safetensors.write(dir.resolve("model.safetensors"), toTensors(), Map.of("format", "pt"));
  }
}
