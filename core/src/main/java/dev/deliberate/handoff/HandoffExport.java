package dev.deliberate.handoff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.BadInputException;
import dev.deliberate.io.AtomicFiles;
import dev.deliberate.io.Json;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.JsonlWriter;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.dataset.ExportFormat;
import dev.deliberate.dataset.Exporter;
import dev.deliberate.dataset.SftExample;
import dev.deliberate.dataset.SpecTextCheck;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.spec.Spec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a dataset in the layout one training framework expects, plus a README with the command lines and the
 * reward configuration pointing at {@code deliberate serve-reward}.
 *
 * <ul>
 *   <li>TRL: {@code sft.jsonl} with {@code messages} (SFTTrainer's conversational format); {@code rl.jsonl} with
 *       {@code prompt} (messages) and the extra columns {@code category}, {@code expected}, {@code id}, which
 *       GRPOTrainer passes to reward functions by name; {@code reward_trl.py}.
 *   <li>OpenRLHF: {@code sft.jsonl} with {@code prompt} and {@code response} (message lists, for
 *       {@code --data.input_key prompt --data.output_key response --data.apply_chat_template}); {@code rl.jsonl} with {@code prompt}
 *       and {@code label} (for {@code --data.input_key prompt --data.label_key label}), the label being the JSON text
 *       {@code {"category": ..., "expected": ...}} the reward server reads.
 *   <li>verl: {@code sft.jsonl} with {@code messages} (multi-turn SFT); {@code rl.jsonl} with verl's columns
 *       {@code data_source}, {@code prompt}, {@code ability}, {@code reward_model} ({@code style},
 *       {@code ground_truth}) and {@code extra_info} ({@code prompt} text, {@code category}, {@code expected},
 *       {@code id}); {@code reward_verl.py}. verl reads Parquet: the README says how to convert.
 * </ul>
 *
 * In every SFT file the assistant turn is the chain of thought in a {@code <think>} block followed by the answer, as
 * the dataset {@link Exporter} renders the Hugging Face format (which also checks that no spec text slipped in); the
 * spec is not in the context, so the model learns to recall it.
 */
public final class HandoffExport {
  /** What {@link #export} wrote. */
  public record Result(Path dir, long sftRows, long rlRows, List<Path> files) {}

  private HandoffExport() {}

  /**
   * Exports {@code sft} (our SFT JSONL, {@link SftExample}) and, when not null, {@code rlPrompts} (prompt JSONL;
   * every prompt needs a category of {@code spec}) into {@code out}.
   *
   * @param rewardUrl the base URL of {@code serve-reward} the README and reward functions point at
   * @param serveCommand the command line that starts the reward server, for the README (without {@code --port})
   */
  public static Result export(HandoffFormat format, Spec spec, Path sft, Path rlPrompts, Path out, String rewardUrl,
      String serveCommand) {
    List<Path> files = new ArrayList<>();
    Exporter messages = new Exporter(ExportFormat.HF, Exporter.Reasoning.THINK, new SpecTextCheck(spec, Stage1Prompt.standard()));
    long sftRows;
    try (JsonlReader<SftExample> reader = JsonlReader.open(sft, SftExample.class, false);
        JsonlWriter writer = JsonlWriter.create(out.resolve("sft.jsonl"))) {
      for (SftExample example : reader) {
        ObjectNode converted;
        try {
          converted = messages.convert(example);
        } catch (IllegalStateException | NullPointerException | IndexOutOfBoundsException e) {
          throw new BadInputException(sft + ":" + reader.records() + ": " + (e.getMessage() == null
              ? "expected 'messages' ending with the assistant's answer and a 'reasoning' text" : e.getMessage()));
        }
        writer.write(sftRow(format, example, converted.get("messages")));
      }
      writer.commit();
      sftRows = writer.count();
    }
    if (sftRows == 0) {
      throw new BadInputException(sft + ": no SFT examples; expected one JSON object per line");
    }
    files.add(out.resolve("sft.jsonl"));
    long rlRows = 0;
    if (rlPrompts != null) {
      try (JsonlReader<Prompt> reader = Prompts.read(rlPrompts, false); JsonlWriter writer = JsonlWriter.create(out.resolve("rl.jsonl"))) {
        for (Prompt prompt : reader) {
          if (prompt.category() == null) {
            throw new BadInputException(rlPrompts + ":" + reader.records() + ": prompt " + prompt.id()
                + " has no category; the reward judge needs one (classify the prompts first)");
          }
          if (spec.findCategory(prompt.category()).isEmpty()) {
            throw new BadInputException(rlPrompts + ":" + reader.records() + ": prompt " + prompt.id() + " has category '"
                + prompt.category() + "', which the spec does not have; expected one of "
                + String.join(", ", spec.categories().stream().map(c -> c.anchor()).toList()));
          }
          writer.write(rlRow(format, prompt));
        }
        writer.commit();
        rlRows = writer.count();
      }
      if (rlRows == 0) {
        throw new BadInputException(rlPrompts + ": no prompts; expected one JSON object per line");
      }
      files.add(out.resolve("rl.jsonl"));
      String script = switch (format) {
        case TRL -> "reward_trl.py";
        case VERL -> "reward_verl.py";
        case OPENRLHF -> null;
      };
      if (script != null) {
        AtomicFiles.writeString(out.resolve(script), resource(script));
        files.add(out.resolve(script));
      }
    }
    AtomicFiles.writeString(out.resolve("README.md"), HandoffReadme.text(format, out, rlPrompts != null, rewardUrl, serveCommand));
    files.add(out.resolve("README.md"));
    return new Result(out, sftRows, rlRows, files);
  }

  /** @param messages the example as Hugging Face messages, the last one the assistant's think block and answer */
  static Map<String, Object> sftRow(HandoffFormat format, SftExample example, JsonNode messages) {
    Map<String, Object> row = new LinkedHashMap<>();
    switch (format) {
      case TRL, VERL -> row.put("messages", messages);
      case OPENRLHF -> {
        List<JsonNode> all = new ArrayList<>();
        messages.forEach(all::add);
        row.put("prompt", all.subList(0, all.size() - 1));
        row.put("response", List.of(all.get(all.size() - 1)));
      }
    }
    row.put("id", example.id());
    return row;
  }

  static Map<String, Object> rlRow(HandoffFormat format, Prompt prompt) {
    String expected = prompt.expected() == null ? null : prompt.expected().wireName();
    Map<String, Object> row = new LinkedHashMap<>();
    switch (format) {
      case TRL -> {
        row.put("prompt", prompt.messages());
        row.put("category", prompt.category());
        row.put("expected", expected);
        row.put("id", prompt.id());
      }
      case OPENRLHF -> {
        row.put("prompt", prompt.messages());
        row.put("label", label(prompt));
        row.put("id", prompt.id());
      }
      case VERL -> {
        row.put("data_source", "deliberate");
        row.put("prompt", prompt.messages());
        row.put("ability", "safety");
        row.put("reward_model", Map.of("style", "model", "ground_truth", label(prompt)));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("id", prompt.id());
        extra.put("prompt", prompt.text());
        extra.put("category", prompt.category());
        extra.put("expected", expected);
        row.put("extra_info", extra);
      }
    }
    return row;
  }

  /** The label the reward server reads: {@code {"category": ..., "expected": ...}} as JSON text. */
  public static String label(Prompt prompt) {
    Map<String, Object> label = new LinkedHashMap<>();
    label.put("category", prompt.category());
    if (prompt.expected() != null) {
      label.put("expected", prompt.expected().wireName());
    }
    return Json.line(label);
  }

  static String resource(String name) {
    try (InputStream in = HandoffExport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
