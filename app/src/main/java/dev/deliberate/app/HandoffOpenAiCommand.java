package dev.deliberate.app;

import com.openai.errors.OpenAIException;
import com.openai.models.finetuning.jobs.FineTuningJob;
import dev.deliberate.BadInputException;
import dev.deliberate.data.JsonlReader;
import dev.deliberate.data.JsonlWriter;
import dev.deliberate.data.Prompt;
import dev.deliberate.data.Prompts;
import dev.deliberate.handoff.RftGrader;
import dev.deliberate.spec.Spec;
import dev.deliberate.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate handoff openai}: supervised, then reinforcement fine-tuning on OpenAI's service. */
@Command(
    name = "openai",
    mixinStandardHelpOptions = true,
    description = {
      "Fine-tune on OpenAI: upload the SFT file (OpenAI chat format) and start a supervised job; with --rl-prompts, "
          + "also start a reinforcement job whose grader is a model holding the spec.",
      "",
      "The reinforcement training file is written beside the prompts (--rft-file): each row carries spec(category) of "
          + "its prompt and the required behaviour; the grader's instructions are built from the spec and it sees only "
          + "the final answer, never the reasoning. The reinforcement job starts from --rft-model when given (at once), "
          + "else from the supervised job's model once that job succeeds. Status is polled until the jobs end, unless "
          + "--no-wait. Jobs keep running at OpenAI if this command is stopped.",
      ""
    })
final class HandoffOpenAiCommand extends BaseCommand {
  @Option(names = "--sft", required = true, paramLabel = "FILE", description = "SFT file in OpenAI's chat fine-tuning format.")
  Path sft;

  @Option(names = "--model", required = true, paramLabel = "BASE", description = "Base model of the supervised job.")
  String model;

  @Option(names = "--rl-prompts", paramLabel = "FILE", description = "Prompt JSONL (with categories) for a reinforcement job.")
  Path rlPrompts;

  @Option(names = "--spec", paramLabel = "FILE", description = "The spec the grader holds; required with --rl-prompts.")
  Path specFile;

  @Option(names = "--rft-model", paramLabel = "MODEL",
      description = "Base model of the reinforcement job (default: the supervised job's result, after it succeeds).")
  String rftModel;

  @Option(names = "--grader-model", paramLabel = "MODEL", defaultValue = "gpt-4o-2024-08-06",
      description = "Model of the score-model grader (default: ${DEFAULT-VALUE}).")
  String graderModel;

  @Option(names = "--rft-file", paramLabel = "FILE",
      description = "Where to write the reinforcement training file (default: PROMPTS.rft.jsonl beside --rl-prompts).")
  Path rftFile;

  @Option(names = "--base-url", paramLabel = "URL", defaultValue = "https://api.openai.com/v1",
      description = "API base URL (default: ${DEFAULT-VALUE}).")
  String baseUrl;

  @Option(names = "--api-key-env", paramLabel = "VAR", defaultValue = "OPENAI_API_KEY",
      description = "Environment variable holding the API key (default: ${DEFAULT-VALUE}).")
  String apiKeyEnv;

  @Option(names = "--suffix", paramLabel = "TEXT", defaultValue = "deliberate",
      description = "Suffix of the fine-tuned model names (default: ${DEFAULT-VALUE}).")
  String suffix;

  @Option(names = "--poll", paramLabel = "S", defaultValue = "30", description = "Seconds between status checks (default: ${DEFAULT-VALUE}).")
  double poll;

  @Option(names = "--no-wait", description = "Start the jobs and return without polling.")
  boolean noWait;

  @Override
  protected int run() throws Exception {
    String apiKey = System.getenv(apiKeyEnv);
    if (apiKey == null || apiKey.isBlank()) {
      throw new BadInputException("--api-key-env: environment variable " + apiKeyEnv + " is not set; export the API key in it");
    }
    if (!Files.isRegularFile(sft)) {
      throw new BadInputException(sft + ": no such file");
    }
    if (poll < 0) {
      throw new BadInputException("--poll: expected 0 or more seconds, got " + poll);
    }
    Path rft = null;
    Spec spec = null;
    if (rlPrompts != null) {
      if (specFile == null) {
        throw new BadInputException("--spec: required with --rl-prompts (the grader holds the spec)");
      }
      if (noWait && rftModel == null) {
        throw new BadInputException("--no-wait: the reinforcement job starts from the supervised model, so it needs the "
            + "supervised job to finish; give --rft-model or drop --no-wait");
      }
      spec = SpecParser.parse(specFile);
      rft = writeRftFile(spec);
    }
    try (OpenAiFineTuning openai = new OpenAiFineTuning(baseUrl, apiKey)) {
      String sftFile = openai.upload(sft);
      out().printf("uploaded %s as %s%n", sft, sftFile);
      FineTuningJob supervised = openai.createSupervised(model, sftFile, suffix);
      out().printf("supervised job %s on %s: %s%n", supervised.id(), model, supervised.status().asString());
      out().flush();

      FineTuningJob reinforcement = null;
      String rftFileId = null;
      if (rft != null) {
        rftFileId = openai.upload(rft);
        out().printf("uploaded %s as %s%n", rft, rftFileId);
        if (rftModel != null) {
          reinforcement = startReinforcement(openai, rftModel, rftFileId, spec);
        }
      }
      if (noWait) {
        out().println("not waiting; check the jobs with the OpenAI dashboard or API");
        return ExitCode.OK;
      }
      supervised = await(openai, supervised);
      if (!supervised.status().equals(FineTuningJob.Status.SUCCEEDED)) {
        throw new ExitException(ExitCode.FAILURE, "supervised job " + supervised.id() + " " + describe(supervised));
      }
      String sftModel = supervised.fineTunedModel().orElse("");
      out().printf("supervised model: %s%n", sftModel);
      if (rft != null) {
        if (reinforcement == null) {
          reinforcement = startReinforcement(openai, sftModel, rftFileId, spec);
        }
        reinforcement = await(openai, reinforcement);
        if (!reinforcement.status().equals(FineTuningJob.Status.SUCCEEDED)) {
          throw new ExitException(ExitCode.FAILURE, "reinforcement job " + reinforcement.id() + " " + describe(reinforcement));
        }
        out().printf("reinforcement model: %s%n", reinforcement.fineTunedModel().orElse(""));
      }
      out().flush();
      return ExitCode.OK;
    } catch (OpenAIException e) {
      String cause = e.getCause() == null || e.getCause().getMessage() == null ? "" : " (" + e.getCause().getMessage() + ")";
      throw new ExitException(ExitCode.FAILURE, "OpenAI at " + baseUrl + ": " + e.getMessage() + cause);
    }
  }

  private FineTuningJob startReinforcement(OpenAiFineTuning openai, String base, String fileId, Spec spec) {
    FineTuningJob job = openai.createReinforcement(base, fileId, OpenAiFineTuning.grader(spec, graderModel), suffix);
    out().printf("reinforcement job %s on %s (grader %s): %s%n", job.id(), base, graderModel, job.status().asString());
    out().flush();
    return job;
  }

  /** Polls until the job ends, printing each change of status. */
  private FineTuningJob await(OpenAiFineTuning openai, FineTuningJob job) throws InterruptedException {
    String last = job.status().asString();
    while (!OpenAiFineTuning.finished(job)) {
      Thread.sleep((long) (poll * 1000));
      job = openai.retrieve(job.id());
      String now = job.status().asString();
      if (!now.equals(last)) {
        out().printf("job %s: %s%n", job.id(), now);
        out().flush();
        last = now;
      }
    }
    return job;
  }

  private static String describe(FineTuningJob job) {
    String status = job.status().asString();
    return job.error().map(e -> status + ": " + e.message() + " (" + e.code() + ")").orElse(status);
  }

  private Path writeRftFile(Spec spec) {
    Path target = rftFile != null ? rftFile : rlPrompts.resolveSibling(stem(rlPrompts.getFileName().toString()) + ".rft.jsonl");
    try (JsonlReader<Prompt> reader = Prompts.read(rlPrompts, false); JsonlWriter writer = JsonlWriter.create(target)) {
      for (Prompt prompt : reader) {
        try {
          writer.write(RftGrader.trainingRow(prompt, spec));
        } catch (BadInputException e) {
          throw new BadInputException(rlPrompts + ":" + reader.records() + ": " + e.getMessage());
        }
      }
      if (writer.count() == 0) {
        throw new BadInputException(rlPrompts + ": no prompts; expected one JSON object per line");
      }
      writer.commit();
      out().printf("wrote %d reinforcement rows to %s%n", writer.count(), target);
    }
    return target;
  }

  private static String stem(String name) {
    return name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
  }
}
