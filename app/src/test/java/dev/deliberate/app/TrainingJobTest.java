package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.pipeline.PipelineConfig;
import dev.deliberate.pipeline.PipelineFile;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The train commands and the pipeline build one job record per trainer, with one set of defaults. */
class TrainingJobTest {
  /** Options that say where things go rather than how to train. */
  static final Set<String> NOT_JOB_FIELDS = Set.of("--out", "--spec", "--run", "--help", "--version", "--debug");

  @Test
  void everyOptionOfTrainSftAndTrainRlIsAFieldOfThePipelineSection() {
    for (Object command : List.of(new TrainSftCommand(), new TrainRlCommand())) {
      CommandLine cli = new CommandLine(command);
      Class<?> section = command instanceof TrainSftCommand ? PipelineConfig.Sft.class : PipelineConfig.Rl.class;
      Set<String> fields = new java.util.HashSet<>();
      for (var c : section.getRecordComponents()) {
        fields.add(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase());
      }
      for (OptionSpec option : cli.getCommandSpec().options()) {
        if (NOT_JOB_FIELDS.contains(option.longestName())) {
          continue;
        }
        String field = option.names()[0].replaceFirst("^-+", "").replace('-', '_');
        assertTrue(fields.contains(field), cli.getCommandName() + " " + option.names()[0] + " is not a field of " + section);
      }
    }
  }

  @Test
  void helpShowsTheJobRecordsDefaults() {
    String sft = new CommandLine(new TrainSftCommand()).getUsageMessage();
    PipelineConfig.Sft defaults = PipelineFile.section(PipelineConfig.Sft.class, Map.of("model", "tiny"), "test");
    assertTrue(sft.contains("Peak learning rate (default: " + defaults.lr() + ")"), sft);
    assertTrue(sft.contains("Micro-batches per step (default: " + defaults.gradAccum() + ")"), sft);
    String rl = new CommandLine(new TrainRlCommand()).getUsageMessage();
    PipelineConfig.Rl rlDefaults = PipelineFile.section(PipelineConfig.Rl.class, Map.of(), "test");
    assertTrue(rl.contains("Weight of the KL penalty (default: " + rlDefaults.klCoef() + ")"), rl);
    assertTrue(rl.contains("Answers per forward pass (default: " + rlDefaults.microBatch() + ")"), rl);
  }

  @Test
  void theCommandLineMakesTheSameJobAsThePipelineSectionWithTheSameValues() {
    TrainSftCommand command = new TrainSftCommand();
    CommandLine cli = new CommandLine(command);
    cli.parseArgs("--model", "tiny", "--data", "d.jsonl", "--out", "o", "--lr", "0.002", "--steps", "30",
        "--grad-accum", "2", "--seed", "9");
    PipelineConfig.Sft fromCli = new TrainSftCommand.Defaults().job(cli.getCommandSpec(), "train sft");
    PipelineConfig.Sft fromPipeline = PipelineFile.section(PipelineConfig.Sft.class,
        Map.of("model", "tiny", "data", "d.jsonl", "lr", 0.002, "steps", 30, "grad_accum", 2, "seed", 9L), "sft");
    assertEquals(fromPipeline, fromCli);
  }

  @Test
  void aBadValueNamesTheFieldAndWhatWasExpected() {
    Cli cli = Cli.run("train", "sft", "--model", "tiny", "--data", "d.jsonl", "--out", "o", "--grad-accum", "0");
    assertEquals(2, cli.status(), cli.err());
    assertEquals("error: train sft: grad_accum: expected at least 1, got 0", cli.err().strip());
  }

  @Test
  void aJobWithoutASeedTakesThePipelinesAndOneWithASeedKeepsIt() {
    PipelineConfig.Sft none = PipelineFile.section(PipelineConfig.Sft.class, Map.of("model", "tiny"), "sft");
    assertEquals(7L, none.withDefaults(null, 7).seed());
    PipelineConfig.Rl own = PipelineFile.section(PipelineConfig.Rl.class, Map.of("seed", 3), "rl");
    assertEquals(3L, own.withModels("tiny", null, 7).seed());
  }
}
