package dev.deliberate.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LlamaConfigTest {
  private static final Path FILE = Path.of("model/config.json");

  /** The config of a SmolLM2-sized model as transformers 5's save_pretrained writes it. */
  private static ObjectNode savedByTransformers5() throws Exception {
    return (ObjectNode) Json.mapper().readTree("""
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 49152, "hidden_size": 576,
         "intermediate_size": 1536, "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3,
         "head_dim": 64, "max_position_embeddings": 8192, "rms_norm_eps": 1e-05, "hidden_act": "silu",
         "rope_parameters": {"rope_theta": 100000.0, "rope_type": "default"}, "tie_word_embeddings": true,
         "dtype": "float32", "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": null}""");
  }

  @Test
  void theRotaryBaseIsReadFromTransformers5RopeParameters() throws Exception {
    LlamaConfig config = LlamaConfig.fromJson(savedByTransformers5(), FILE);
    assertEquals(100000.0, config.ropeTheta(), "not the 10000 default");
    assertEquals(config, LlamaConfig.fromJson(config.toJson(), FILE), "and our own layout reads back the same");
  }

  @Test
  void scaledRotaryEmbeddingsAreRefusedInEitherLayout() throws Exception {
    ObjectNode v5 = savedByTransformers5();
    ((ObjectNode) v5.get("rope_parameters")).put("rope_type", "linear").put("factor", 2.0);
    BadInputException e = assertThrows(BadInputException.class, () -> LlamaConfig.fromJson(v5, FILE));
    assertTrue(e.getMessage().startsWith(FILE + ": field rope_parameters: only plain rotary embeddings"), e.getMessage());

    ObjectNode v4 = savedByTransformers5();
    v4.remove("rope_parameters");
    v4.put("rope_theta", 500000.0).putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0);
    e = assertThrows(BadInputException.class, () -> LlamaConfig.fromJson(v4, FILE));
    assertTrue(e.getMessage().startsWith(FILE + ": field rope_scaling: only plain rotary embeddings"), e.getMessage());
  }
}
