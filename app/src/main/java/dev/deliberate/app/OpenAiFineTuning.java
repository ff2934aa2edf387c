package dev.deliberate.app;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.methods.ReinforcementMethod;
import com.openai.models.finetuning.methods.SupervisedMethod;
import com.openai.models.graders.gradermodels.ScoreModelGrader;
import dev.deliberate.handoff.RftGrader;
import dev.deliberate.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The OpenAI fine-tuning calls of {@code handoff openai}, through the official SDK. */
final class OpenAiFineTuning implements AutoCloseable {
  private final OpenAIClient client;

  OpenAiFineTuning(String baseUrl, String apiKey) {
    this.client = OpenAIOkHttpClient.builder()
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .maxRetries(3)
        .timeout(Duration.ofMinutes(5))
        .build();
  }

  /** Uploads a JSONL file for fine-tuning and returns its file id. */
  String upload(Path file) {
    FileObject uploaded = client.files().create(FileCreateParams.builder().file(file).purpose(FilePurpose.FINE_TUNE).build());
    return uploaded.id();
  }

  FineTuningJob createSupervised(String model, String trainingFile, String suffix) {
    JobCreateParams.Method method = JobCreateParams.Method.builder()
        .type(JobCreateParams.Method.Type.SUPERVISED)
        .supervised(SupervisedMethod.builder().build())
        .build();
    return client.fineTuning().jobs().create(
        JobCreateParams.builder().model(model).trainingFile(trainingFile).method(method).suffix(suffix).build());
  }

  FineTuningJob createReinforcement(String model, String trainingFile, ScoreModelGrader grader, String suffix) {
    JobCreateParams.Method method = JobCreateParams.Method.builder()
        .type(JobCreateParams.Method.Type.REINFORCEMENT)
        .reinforcement(ReinforcementMethod.builder().grader(grader).build())
        .build();
    return client.fineTuning().jobs().create(
        JobCreateParams.builder().model(model).trainingFile(trainingFile).method(method).suffix(suffix).build());
  }

  FineTuningJob retrieve(String jobId) {
    return client.fineTuning().jobs().retrieve(jobId);
  }

  /** The score-model grader: spec-derived instructions as the developer message, the item template as the user's. */
  static ScoreModelGrader grader(Spec spec, String graderModel) {
    return ScoreModelGrader.builder()
        .name(RftGrader.NAME)
        .model(graderModel)
        .addInput(ScoreModelGrader.Input.builder()
            .type(ScoreModelGrader.Input.Type.MESSAGE)
            .role(ScoreModelGrader.Input.Role.DEVELOPER)
            .content(RftGrader.instructions(spec))
            .build())
        .addInput(ScoreModelGrader.Input.builder()
            .type(ScoreModelGrader.Input.Type.MESSAGE)
            .role(ScoreModelGrader.Input.Role.USER)
            .content(RftGrader.itemTemplate())
            .build())
        .range(List.of(0.0, 1.0))
        .build();
  }

  static boolean finished(FineTuningJob job) {
    FineTuningJob.Status status = job.status();
    return status.equals(FineTuningJob.Status.SUCCEEDED) || status.equals(FineTuningJob.Status.FAILED)
        || status.equals(FineTuningJob.Status.CANCELLED);
  }

  @Override
  public void close() {
    client.close();
  }
}
