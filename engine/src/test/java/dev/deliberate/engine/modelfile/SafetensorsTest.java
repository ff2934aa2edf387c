package dev.deliberate.engine.modelfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import dev.deliberate.data.Message;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @Test
  void readsHalfAndBfloat16TensorsWrittenByOtherTools(@TempDir Path dir) throws Exception {
    // Hand-assembled file: "h" is F16 [1.0, -2.5, 0.0001 (subnormal-free), 65504], "b" is BF16 [1.0, -3.0].
    short[] half = {0x3C00, (short) 0xC100, 0x068E, 0x7BFF};
    short[] bf16 = {0x3F80, (short) 0xC040};
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
    out.write(json);
    ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : half) {
      data.putShort(s);
    }
    for (short s : bf16) {
      data.putShort(s);
    }
    out.write(data.array());
    Path file = dir.resolve("model.safetensors");
    Files.write(file, out.toByteArray());
    Map<String, Safetensors.Tensor> tensors = Safetensors.read(file);
    assertArrayEquals(new long[] {2, 2}, tensors.get("h").shape());
    assertArrayEquals(new float[] {1.0f, -2.5f, 1.0e-4f, 65504f}, tensors.get("h").data(), 1e-7f);
    assertArrayEquals(new float[] {1.0f, -3.0f}, tensors.get("b").data(), 0f);
  }

  @Test
  void writingThenReadingGivesTheSameFloatsAndAnAlignedHeader(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.safetensors");
    Safetensors.write(file, Map.of("w", new Safetensors.Tensor(new long[] {3}, new float[] {1.5f, -0f, 3e-9f})),
        Map.of("format", "pt"));
    assertArrayEquals(new float[] {1.5f, -0f, 3e-9f}, Safetensors.read(file).get("w").data(), 0f);
    long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + headerLength) % 8);
  }

  @Test
  void anUnsupportedDtypeIsNamedWithItsTensor(@TempDir Path dir) throws Exception {
    String header = "{\"x\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + 1).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json).put((byte) 1);
    Path file = dir.resolve("x.safetensors");
    Files.write(file, buffer.array());
    BadInputException e = assertThrows(BadInputException.class, () -> Safetensors.read(file));
    assertTrue(e.getMessage().contains("tensor x: dtype I8 not supported"), e.getMessage());
  }

  @Test
  void chatMlLaysOutTurnsAsSmolLmAndQwenExpect() {
    assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        ChatFormat.CHATML.prompt(List.of(new Message("system", "Be brief."), new Message("user", "Hi"))));
    assertEquals("Hello<|im_end|>", ChatFormat.CHATML.assistantTurn("", "Hello"), "the newline between turns is not trained");
    assertEquals("<think>R</think>A<|im_end|>", ChatFormat.CHATML.assistantTurn("R", "A"));
  }

  @Test
  void generationMarkersGoAroundTheTrainedPartOfAChatMlAssistantTurn() {
    String smolLm2 = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
        + "'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
    String marked = ChatFormat.withGenerationMarkers(smolLm2);

    assertTrue(marked.contains("{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\n' }}"),
        marked);
    assertTrue(marked.contains("{% else %}{{'<|im_start|>' + message['role']"), "other roles render as before");
    assertEquals(marked, ChatFormat.withGenerationMarkers(marked), "a template with markers is left alone");
    assertEquals("{{ messages }}", ChatFormat.withGenerationMarkers("{{ messages }}"), "an unknown layout is left alone");
    assertTrue(ChatFormat.THINK_TEMPLATE.contains("{% generation %}{{ message['content'] }}<|end|>{% endgeneration %}"));
  }

  @Test
  void theChatTemplateIsReadFromChatTemplateJinjaWhereTransformers5SavesIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"TokenizersBackend\"}");
    Files.writeString(dir.resolve(ChatFormat.TEMPLATE_FILE), ChatFormat.THINK_TEMPLATE);
    assertEquals(ChatFormat.THINK, ChatFormat.of(dir, null), "the template names our layout; no tokenizer is asked");

    Files.writeString(dir.resolve(ChatFormat.TEMPLATE_FILE), "{{ messages }}");
    BadInputException e = assertThrows(BadInputException.class, () -> ChatFormat.of(dir, null));
    assertTrue(e.getMessage().startsWith(dir.resolve(ChatFormat.TEMPLATE_FILE) + ": not a layout we know"), e.getMessage());
  }

  @Test
  void aChatMlTemplatesDefaultSystemMessageOpensAConversationThatHasNone(@TempDir Path dir) throws Exception {
    String smolLm2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
        + "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
        + "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
        + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
    Files.writeString(dir.resolve(ChatFormat.TEMPLATE_FILE), ChatFormat.withGenerationMarkers(smolLm2));
    ChatFormat format = ChatFormat.of(dir, null);

    assertEquals("You are a helpful AI assistant named SmolLM, trained by Hugging Face", format.defaultSystem());
    assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
        + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", format.prompt(List.of(new Message("user", "Hi"))));
    assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>assistant\n",
        format.prompt(List.of(new Message("system", "Be brief."))), "a conversation's own system message replaces it");
  }
}
