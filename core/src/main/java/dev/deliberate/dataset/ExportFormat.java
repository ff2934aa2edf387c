package dev.deliberate.dataset;

import dev.deliberate.BadInputException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The SFT export formats.
 *
 * <ul>
 *   <li>{@code jsonl}: our own records ({@link SftExample}): {@code messages} ending with the reply, the chain of
 *       thought in {@code reasoning}, and the labels.
 *   <li>{@code openai}: the OpenAI fine-tuning chat format, {@code {"messages": [...]}} and nothing else. It has no
 *       reasoning slot, so the chain of thought is written into the assistant message as
 *       {@code <think>COT</think>} before the reply (the form reasoning models emit).
 *   <li>{@code hf}: the Hugging Face {@code messages} format; the chain of thought either inline as
 *       {@code <think>COT</think>} before the reply, or (reasoning mode {@code field}) in the assistant message's
 *       {@code reasoning_content}, the field that reasoning models' chat templates read.
 * </ul>
 */
public enum ExportFormat {
  JSONL("jsonl", "sft.jsonl"),
  OPENAI("openai", "sft-openai.jsonl"),
  HF("hf", "sft-hf.jsonl");

  private final String wireName;
  private final String fileName;

  ExportFormat(String wireName, String fileName) {
    this.wireName = wireName;
    this.fileName = fileName;
  }

  public String wireName() {
    return wireName;
  }

  /** The file it is written to inside the export directory. */
  public String fileName() {
    return fileName;
  }

  public static ExportFormat parse(String text) {
    for (ExportFormat f : values()) {
      if (f.wireName.equals(text.strip().toLowerCase())) {
        return f;
      }
    }
    throw new BadInputException("unknown export format '" + text + "': expected one of "
        + Arrays.stream(values()).map(ExportFormat::wireName).collect(Collectors.joining(", ")));
  }
}
