package dev.deliberate.engine.modelfile;

import static dev.deliberate.engine.modelfile.GgufBuilder.INT32;
import static dev.deliberate.engine.modelfile.GgufBuilder.STRING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import dev.deliberate.engine.network.LlamaConfig;
import dev.deliberate.engine.network.LlamaWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufImportTest {
  @TempDir Path dir;

  /** A byte-level BPE vocabulary: "a" + "b" merge into "ab", "Ġ" (a space) + "a" into "Ġa". */
  static final List<String> TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "a", "b", "ab", "Ġ", "Ġa");
  static final List<Integer> TYPES = List.of(3, 3, 3, 1, 1, 1, 1, 1);
  static final List<String> MERGES = List.of("a b", "Ġ a");
  static final String TEMPLATE = "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
      + "{{ message['content'] }}<|im_end|>\n{% endfor %}";

  /** Two query heads of four rows, one key/value head: enough to see the rotary row order. */
  static final LlamaConfig CONFIG = new LlamaConfig("llama", TOKENS.size(), 8, 16, 1, 2, 1, 4, 32, 1e-5, 10000.0,
      true, false, false, 1, List.of(2));

  /**
   * llama.cpp's converter order for a query or key projection, written here from its definition: within each
   * head of d rows, Hugging Face row {@code j * d/2 + i} goes to row {@code 2i + j}.
   */
  static float[] permuteLikeLlamaCpp(float[] hf, int heads, int headDim, int columns) {
    float[] out = new float[hf.length];
    for (int h = 0; h < heads; h++) {
      for (int j = 0; j < 2; j++) {
        for (int i = 0; i < headDim / 2; i++) {
          int from = h * headDim + j * (headDim / 2) + i;
          int to = h * headDim + 2 * i + j;
          System.arraycopy(hf, from * columns, out, to * columns, columns);
        }
      }
    }
    return out;
  }

  static GgufBuilder llama(String architecture) {
    return new GgufBuilder()
        .string("general.architecture", architecture)
        .u32("llama.block_count", CONFIG.numLayers())
        .u32("llama.context_length", CONFIG.maxPositions())
        .u32("llama.embedding_length", CONFIG.hiddenSize())
        .u32("llama.feed_forward_length", CONFIG.intermediateSize())
        .u32("llama.attention.head_count", CONFIG.numHeads())
        .u32("llama.attention.head_count_kv", CONFIG.numKvHeads())
        .f32("llama.attention.layer_norm_rms_epsilon", 1e-5)
        .f32("llama.rope.freq_base", 10000.0)
        .string("tokenizer.ggml.model", "gpt2")
        .string("tokenizer.ggml.pre", "smollm")
        .array("tokenizer.ggml.tokens", STRING, TOKENS)
        .array("tokenizer.ggml.token_type", INT32, TYPES)
        .array("tokenizer.ggml.merges", STRING, MERGES)
        .u32("tokenizer.ggml.bos_token_id", 1)
        .u32("tokenizer.ggml.eos_token_id", 2)
        .u32("tokenizer.ggml.padding_token_id", 2)
        .string("tokenizer.chat_template", TEMPLATE);
  }

  /** The GGUF names of the Hugging Face tensors, with the query and key rows in llama.cpp's order. */
  static GgufBuilder withTensors(GgufBuilder gguf, Map<String, Safetensors.Tensor> hf) {
    Map<String, String> names = Map.of(
        "model.embed_tokens.weight", "token_embd.weight", "model.norm.weight", "output_norm.weight",
        "model.layers.0.input_layernorm.weight", "blk.0.attn_norm.weight",
        "model.layers.0.self_attn.q_proj.weight", "blk.0.attn_q.weight",
        "model.layers.0.self_attn.k_proj.weight", "blk.0.attn_k.weight",
        "model.layers.0.self_attn.v_proj.weight", "blk.0.attn_v.weight",
        "model.layers.0.self_attn.o_proj.weight", "blk.0.attn_output.weight",
        "model.layers.0.post_attention_layernorm.weight", "blk.0.ffn_norm.weight",
        "model.layers.0.mlp.gate_proj.weight", "blk.0.ffn_gate.weight");
    hf.forEach((name, t) -> {
      float[] data = t.data();
      if (name.endsWith("q_proj.weight")) {
        data = permuteLikeLlamaCpp(data, CONFIG.numHeads(), CONFIG.headDim(), CONFIG.hiddenSize());
      } else if (name.endsWith("k_proj.weight")) {
        data = permuteLikeLlamaCpp(data, CONFIG.numKvHeads(), CONFIG.headDim(), CONFIG.hiddenSize());
      }
      String ggufName = names.getOrDefault(name, name.replace("model.layers.0.mlp.", "blk.0.ffn_")
          .replace("_proj.weight", ".weight"));
      gguf.f32Tensor(ggufName, t.shape(), data);
    });
    return gguf;
  }

  @Test
  void unpermutingPutsEachHeadsRotaryHalvesBackApart() {
    // One head of four rows (one column): llama.cpp stores rows x0, x2, x1, x3 (pairs of the two halves).
    float[] gguf = {0f, 2f, 1f, 3f};
    assertArrayEquals(new float[] {0f, 1f, 2f, 3f}, GgufImport.unpermuteRows(gguf, 1, 4, 1), 0f);
    // Two heads of four rows, two columns: each head separately.
    float[] two = {0, 0, 2, 2, 1, 1, 3, 3, 4, 4, 6, 6, 5, 5, 7, 7};
    assertArrayEquals(new float[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7},
        GgufImport.unpermuteRows(two, 2, 4, 2), 0f);
  }

  @Test
  void importGivesBackTheHuggingFaceTensorsConfigTokenizerAndTemplate() throws Exception {
    Map<String, Safetensors.Tensor> hf = LlamaWeights.randomTensors(CONFIG, 7);
    Path file = withTensors(llama("llama"), hf).write(dir.resolve("tiny.gguf"));
    Path out = dir.resolve("model");
    GgufImport.importFile(file, out, line -> { });

    Map<String, Safetensors.Tensor> imported = Safetensors.read(out.resolve("model.safetensors"));
    assertEquals(hf.keySet(), imported.keySet());
    hf.forEach((name, t) -> {
      assertArrayEquals(t.shape(), imported.get(name).shape(), name);
      assertArrayEquals(t.data(), imported.get(name).data(), 0f, name);
    });
    assertEquals(CONFIG, LlamaConfig.read(out));

    JsonNode tokenizerConfig = Json.mapper().readTree(out.resolve("tokenizer_config.json").toFile());
    assertEquals(TEMPLATE, tokenizerConfig.get("chat_template").asText());
    assertEquals("<|im_end|>", tokenizerConfig.get("eos_token").asText());
    JsonNode generation = Json.mapper().readTree(out.resolve("generation_config.json").toFile());
    assertEquals(2, generation.get("eos_token_id").asInt());
    try (TextTokenizer tokenizer = TextTokenizer.open(out)) {
      assertArrayEquals(new long[] {5, 7}, tokenizer.encode("ab a"));
      assertArrayEquals(new long[] {1, 5, 2}, tokenizer.encode("<|im_start|>ab<|im_end|>"));
      assertEquals("ab a", tokenizer.decode(new long[] {5, 7}));
    }
    // The imported directory is a model like any other: same logits as the Hugging Face weights it came from.
    try (LocalModel model = LocalModel.open(out); LocalModel original = LocalModel.random(CONFIG, 7, null)) {
      assertEquals(ChatFormat.CHATML, model.chatFormat());
      float[][] a = model.logits(new long[] {1, 5, 7, 2});
      float[][] b = original.logits(new long[] {1, 5, 7, 2});
      for (int t = 0; t < a.length; t++) {
        assertArrayEquals(b[t], a[t], 0f);
      }
    }
    try (var files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("importing")), "no temporary directory left");
    }
  }

  @Test
  void anUnknownArchitectureOrTokenizerIsNamed() throws Exception {
    Path mamba = llama("mamba").write(dir.resolve("mamba.gguf"));
    BadInputException e = assertThrows(BadInputException.class,
        () -> GgufImport.importFile(mamba, dir.resolve("out"), line -> { }));
    assertEquals(mamba + ": metadata general.architecture: \"mamba\" is not supported (expected \"llama\")",
        e.getMessage());
    Path pre = new GgufBuilder().string("general.architecture", "llama").string("tokenizer.ggml.model", "gpt2")
        .string("tokenizer.ggml.pre", "qwen2").array("tokenizer.ggml.tokens", STRING, TOKENS)
        .array("tokenizer.ggml.merges", STRING, MERGES).write(dir.resolve("pre.gguf"));
    e = assertThrows(BadInputException.class, () -> GgufImport.importFile(pre, dir.resolve("out"), line -> { }));
    assertTrue(e.getMessage().startsWith(pre + ": metadata tokenizer.ggml.pre: \"qwen2\" is not a pre-tokenizer we"
        + " convert"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void aTensorThatIsNotPartOfALlamaIsNamed() throws Exception {
    Map<String, Safetensors.Tensor> hf = LlamaWeights.randomTensors(CONFIG, 7);
    Path file = withTensors(llama("llama"), hf).f32Tensor("rope_freqs.weight", new long[] {2}, new float[2])
        .write(dir.resolve("extra.gguf"));
    BadInputException e = assertThrows(BadInputException.class,
        () -> GgufImport.importFile(file, dir.resolve("out"), line -> { }));
    assertTrue(e.getMessage().contains("tensor rope_freqs.weight: not a tensor of a Llama model with 1 layers"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("out")), "nothing is left behind");
  }

  @Test
  void theCacheImportsOnceUnderTheFilesHash() throws Exception {
    Path file = withTensors(llama("llama"), LlamaWeights.randomTensors(CONFIG, 3)).write(dir.resolve("c.gguf"));
    Path first = GgufImport.cached(file, dir.resolve("cache"), line -> { });
    assertEquals(dir.resolve("cache").resolve("gguf"), first.getParent());
    assertEquals(64, first.getFileName().toString().length());
    long written = Files.getLastModifiedTime(first.resolve("config.json")).toMillis();
    List<String> progress = new java.util.ArrayList<>();
    assertEquals(first, GgufImport.cached(file, dir.resolve("cache"), progress::add));
    assertEquals(List.of(), progress, "the second call finds the import");
    assertEquals(written, Files.getLastModifiedTime(first.resolve("config.json")).toMillis());
    BadInputException e = assertThrows(BadInputException.class, () -> GgufImport.importFile(file, first, l -> { }));
    assertEquals(first + ": already exists (expected a new directory to import into)", e.getMessage());
  }
}
