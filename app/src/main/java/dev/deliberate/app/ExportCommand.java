package dev.deliberate.app;

import dev.deliberate.dataset.ExportFormat;
import dev.deliberate.dataset.Exporter;
import dev.deliberate.dataset.SpecTextCheck;
import dev.deliberate.generate.Stage1Prompt;
import dev.deliberate.pipeline.Stages;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate export}: SFT examples in the formats trainers read. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Write the SFT examples of 'deliberate filter' in training formats, each line validated against its format "
          + "(and checked to carry no spec or instruction text) before anything is written:",
      "  jsonl   our records: messages + reasoning + labels (sft.jsonl)",
      "  openai  OpenAI fine-tuning chat format; the reasoning as <think>...</think> before the answer (sft-openai.jsonl)",
      "  hf      Hugging Face messages; reasoning inline as <think> or in reasoning_content (sft-hf.jsonl)"})
final class ExportCommand extends StageCommand {
  @Option(names = "--in", required = true, paramLabel = "FILE", description = "SFT examples from 'deliberate filter'.")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the exported files.")
  Path out;

  @Option(names = "--formats", defaultValue = "jsonl,openai,hf", paramLabel = "LIST", description = "Formats, comma-separated (default: ${DEFAULT-VALUE}).")
  String formats;

  @Option(names = "--hf-reasoning", defaultValue = "think", paramLabel = "think|field",
      description = "Where the hf format puts the reasoning (default: ${DEFAULT-VALUE}).")
  String hfReasoning;

  @Override
  protected int run() {
    List<ExportFormat> chosen = Arrays.stream(formats.split(",")).map(ExportFormat::parse).toList();
    if (!List.of("think", "field").contains(hfReasoning)) {
      throw new ExitException(ExitCode.BAD_INPUT, "--hf-reasoning: expected think or field, got " + hfReasoning);
    }
    Map<Path, Long> written = Stages.export(in, out, chosen,
        hfReasoning.equals("field") ? Exporter.Reasoning.FIELD : Exporter.Reasoning.THINK,
        new SpecTextCheck(spec(), Stage1Prompt.standard()));
    written.forEach((file, n) -> out().printf("export: %d examples -> %s%n", n, file));
    out().flush();
    return ExitCode.OK;
  }
}
