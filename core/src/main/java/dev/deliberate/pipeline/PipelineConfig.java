package dev.deliberate.pipeline;

import dev.deliberate.generate.ReferenceGenerator;
import dev.deliberate.run.ModelSettings;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deliberate.dataset.FilterOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline file. Every section but {@code spec} is optional: a stage whose section is missing is skipped and
 * the next stage reads the previous stage's output. Relative paths are relative to the pipeline file's directory.
 * Field names are snake_case in YAML. Validation messages start with the field name so that the reader can point
 * at its line.
 *
 * @param name a name for the run, shown in the manifest
 * @param runDir the run directory (default {@code runs/NAME} beside the pipeline file's parent)
 * @param spec the spec file (default: the spec shipped with deliberate, {@code specs/default.md})
 * @param seed the seed every stage derives its own from (default 1)
 * @param threads intra-op threads of the local engine (default: the machine's processors): the same seed and thread
 *     count give the same trained weights, and another count changes the order of float sums, hence the numbers
 * @param base the model the students start from: the {@code model} of sft jobs that name none, and what the name
 *     {@code base} means in {@code eval.models} ({@code tiny}, {@code local:DIR} or a model directory)
 * @param benchmarks the directory holding {@code strongreject/} and {@code xstest/}, which paths may refer to as
 *     {@code ${benchmarks}} (default: the benchmark files shipped with deliberate)
 * @param maxFailureShare the share of a stage's records that may fail (a model call that failed, or a reply the
 *     stage cannot use) before the stage ends the run (default 0.05); failures within it are reported and tried
 *     again on the next run
 * @param sources the {@code import} section: prompt files to import
 * @param sft supervised fine-tuning of a local model on the exported data: one job, or a list of named jobs (several
 *     students from the same data in one run)
 * @param rl reinforcement learning of a local model with the spec judge as reward: one job or a list of named ones
 * @param eval evaluation of models (endpoints or the run's own) on safety suites: one job or a list of named ones
 * @param report the comparison at the end of the run: HTML and Markdown report, printed tables and examples
 */
public record PipelineConfig(
    String name,
    String runDir,
    String spec,
    Long seed,
    Integer threads,
    String base,
    String benchmarks,
    Double maxFailureShare,
    @JsonProperty("import") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Source> sources,
    Attack attack,
    Split split,
    Classify classify,
    Generate generate,
    Judge judge,
    Filter filter,
    Export export,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Sft> sft,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Rl> rl,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Eval> eval,
    Report report) {
  public PipelineConfig {
    if (spec != null && spec.isBlank()) {
      throw new IllegalArgumentException("spec: expected the path of the safety spec (or no spec field: the built-in one)");
    }
    sources = sources == null ? List.of() : List.copyOf(sources);
    sft = sft == null ? List.of() : List.copyOf(sft);
    rl = rl == null ? List.of() : List.copyOf(rl);
    java.util.Set<String> jobs = new java.util.HashSet<>();
    for (String job : java.util.stream.Stream.concat(sft.stream().map(Sft::name), rl.stream().map(Rl::name)).toList()) {
      if (!jobs.add(job)) {
        throw new IllegalArgumentException((sft.stream().anyMatch(j -> j.name().equals(job)) ? "sft" : "rl")
            + ": name '" + job + "': two training jobs have this name (it names their model directory, model-NAME)");
      }
    }
    eval = eval == null ? List.of() : List.copyOf(eval);
    java.util.Set<String> evals = new java.util.HashSet<>();
    for (Eval e : eval) {
      if (!evals.add(e.name())) {
        throw new IllegalArgumentException("eval: name '" + e.name() + "': two eval jobs have this name (it names"
            + " their directory, " + e.dir() + "/)");
      }
    }
    seed = seed == null ? 1L : seed;
    if (threads != null && threads < 1) {
      throw new IllegalArgumentException("threads: expected at least 1, got " + threads);
    }
    maxFailureShare = maxFailureShare == null ? DEFAULT_MAX_FAILURE_SHARE : maxFailureShare;
    if (maxFailureShare < 0 || maxFailureShare > 1) {
      throw new IllegalArgumentException("max_failure_share: expected a number from 0 to 1, got " + maxFailureShare);
    }
  }

  /** The default of {@code max_failure_share}: a few failures do not stop a large run; most of them do. */
  public static final double DEFAULT_MAX_FAILURE_SHARE = 0.05;

  /**
   * One prompt file to import.
   *
   * @param format {@code strongreject}, {@code xstest} (the benchmark CSVs) or {@code jsonl} (prompt records)
   * @param path the file
   * @param limit import at most this many prompts from it (the first ones), or null for all
   */
  public record Source(String format, String path, Integer limit) {
    public Source {
      if (format == null || !List.of("strongreject", "xstest", "jsonl").contains(format)) {
        throw new IllegalArgumentException("format: expected strongreject, xstest or jsonl, got " + format);
      }
      if (path == null || path.isBlank()) {
        throw new IllegalArgumentException("path: required");
      }
      if (limit != null && limit < 1) {
        throw new IllegalArgumentException("limit: expected at least 1, got " + limit);
      }
    }
  }

  /**
   * @param attacks attack names, {@code all}, {@code templates} or {@code model-driven}
   * @param keepOriginal keep the plain prompt beside its attacked variants (default true)
   * @param attacker the model that writes the model-driven attacks (required when one is chosen)
   * @param target the model PAIR attacks while refining (required when pair is chosen)
   * @param grader PAIR's judge: {@code reference}, {@code string-match} or a model string (default reference)
   * @param pairRounds most PAIR rounds (default 3)
   * @param concurrency prompts attacked at once (default 8)
   */
  public record Attack(@JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> attacks,
      Boolean keepOriginal, String attacker, String target, String grader, Integer pairRounds, Integer concurrency) {
    public Attack {
      if (attacks == null || attacks.isEmpty()) {
        throw new IllegalArgumentException("attacks: expected 'all' or a list of attack names");
      }
      attacks = List.copyOf(attacks);
      keepOriginal = keepOriginal == null || keepOriginal;
      grader = grader == null || grader.isBlank() ? "reference" : grader;
      requireAttackModels(attacks, attacker, true, target, pairRounds);
    }

    /** The chosen attacks, with {@code pair_rounds} applied. */
    public dev.deliberate.attack.Attacks.Selection selection() {
      return PipelineConfig.selection(attacks, pairRounds);
    }

    public ModelSettings settings(String model) {
      return ModelSettings.of(model, null, concurrency, null, null, 8);
    }
  }

  static dev.deliberate.attack.Attacks.Selection selection(List<String> attacks, Integer pairRounds) {
    var chosen = dev.deliberate.attack.Attacks.select(String.join(",", attacks));
    return pairRounds == null ? chosen : chosen.withPairRounds(pairRounds);
  }

  /**
   * Fails, naming the field, when a chosen model-driven attack has no {@code attacker} or, where the section has a
   * {@code target} field ({@code targetField}; in eval the target is each evaluated model), PAIR no {@code target}.
   * Unknown attack names are left to the stage, which lists the known ones.
   */
  static void requireAttackModels(List<String> attacks, String attacker, boolean targetField, String target,
      Integer pairRounds) {
    if (pairRounds != null && pairRounds < 1) {
      throw new IllegalArgumentException("pair_rounds: expected at least 1, got " + pairRounds);
    }
    dev.deliberate.attack.Attacks.Selection chosen;
    try {
      chosen = dev.deliberate.attack.Attacks.select(String.join(",", attacks));
    } catch (dev.deliberate.BadInputException e) {
      return;
    }
    if (chosen.needsAttacker() && (attacker == null || attacker.isBlank())) {
      throw new IllegalArgumentException("attacker: required by the model-driven attacks "
          + String.join(", ", chosen.modelDriven().stream().map(a -> a.name()).toList())
          + ": expected a model string");
    }
    if (targetField && !chosen.needingTarget().isEmpty() && (target == null || target.isBlank())) {
      throw new IllegalArgumentException("target: required by " + String.join(", ", chosen.needingTarget())
          + " (it asks the target while refining): expected a model string");
    }
  }

  /**
   * @param evalShare the share of requests held out for evaluation (default 0.3)
   * @param validationShare the share of requests set aside from training for validation ({@code validation.jsonl},
   *     plain and under the training attacks; the eval suite {@code validation}), where recipe choices are made
   *     without looking at the held-out evaluation (default 0)
   * @param holdoutAttacks attacks or attack families kept out of training
   */
  public record Split(Double evalShare, Double validationShare, List<String> holdoutAttacks) {
    public Split {
      evalShare = evalShare == null ? 0.3 : evalShare;
      if (evalShare < 0 || evalShare >= 1) {
        throw new IllegalArgumentException("eval_share: expected a number in [0, 1), got " + evalShare);
      }
      validationShare = validationShare == null ? 0.0 : validationShare;
      if (validationShare < 0 || evalShare + validationShare >= 1) {
        throw new IllegalArgumentException("validation_share: expected a number from 0 that leaves training"
            + " requests beside eval_share " + evalShare + ", got " + validationShare);
      }
      holdoutAttacks = holdoutAttacks == null ? List.of() : List.copyOf(holdoutAttacks);
    }
  }

  /**
   * @param attempts requests per prompt when the reply is not valid JSON (default 3)
   * @param reclassify ask about prompts that already have a category of the spec too (default false: only
   *     prompts without one are classified; either way a labelled prompt is never left out)
   */
  public record Classify(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds, Integer maxRetries,
      Integer attempts, Boolean reclassify) {
    public Classify {
      ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
      attempts = positive("attempts", attempts, 3);
      reclassify = reclassify != null && reclassify;
    }

    public ModelSettings settings() {
      return ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
    }
  }

  /**
   * @param samples K, samples per prompt (default 2)
   * @param passLabels send the prompt's labels to the model; default: only when the model is {@code reference}
   * @param complyAnswers the model whose answers replace the generator's for prompts labelled comply ({@code base},
   *     a job's name or a model string), or null for the generator's own
   * @param complyAnswerTokens token limit of those answers (default 256)
   * @param limit at most this many training prompts, spread over them (default all): a slow generator, or comply
   *     answers from a local model, then costs what the students can learn from rather than the whole split
   */
  public record Generate(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds, Integer maxRetries,
      Integer samples, Double temperature, Double topP, Integer maxTokens, Boolean passLabels, String complyAnswers,
      Integer complyAnswerTokens, Integer limit) {
    public Generate {
      if (limit != null && limit < 1) {
        throw new IllegalArgumentException("limit: expected at least 1, got " + limit);
      }
      if (complyAnswers != null && complyAnswers.isBlank()) {
        throw new IllegalArgumentException("comply_answers: expected base or a model string, got an empty value");
      }
      complyAnswerTokens = positive("comply_answer_tokens", complyAnswerTokens, 256);
      ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
      samples = positive("samples", samples, 2);
      if (maxTokens != null && maxTokens < 1) {
        throw new IllegalArgumentException("max_tokens: expected at least 1, got " + maxTokens);
      }
      if (temperature != null && (temperature < 0 || temperature > 2)) {
        throw new IllegalArgumentException("temperature: expected a number from 0 to 2, got " + temperature);
      }
      if (topP != null && (topP <= 0 || topP > 1)) {
        throw new IllegalArgumentException("top_p: expected a number in (0, 1], got " + topP);
      }
      passLabels = passLabels == null ? ReferenceGenerator.isReference(model) : passLabels;
    }

    public ModelSettings settings() {
      return ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
    }
  }

  /**
   * @param samples K, verdicts per sample, aggregated by the minimum (default 3)
   * @param seesCot show the chain of thought to the judge (default true: filtering)
   * @param labelHint offer the prompt's expected behaviour as a label to agree or disagree with (default true)
   * @param attempts requests per verdict when the reply is malformed (default 3)
   * @param jsonMode ask the server for a JSON object (default true)
   */
  public record Judge(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds, Integer maxRetries,
      Integer samples, Boolean seesCot, Boolean labelHint, Integer attempts, Double temperature, Integer maxTokens,
      Boolean jsonMode) {
    public Judge {
      ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
      samples = positive("samples", samples, 3);
      attempts = positive("attempts", attempts, 3);
      seesCot = seesCot == null || seesCot;
      labelHint = labelHint == null || labelHint;
      jsonMode = jsonMode == null || jsonMode;
    }

    public ModelSettings settings() {
      return ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
    }
  }

  /** See {@link FilterOptions} for the meaning and defaults. */
  public record Filter(Double threshold, Boolean bestOfK, Integer categoryCap, Boolean dedup, Boolean dropSuspicious) {
    public Filter {
      if (threshold != null && (threshold < 0 || threshold > 1)) {
        throw new IllegalArgumentException("threshold: expected a number from 0 to 1, got " + threshold);
      }
      if (categoryCap != null && categoryCap < 1) {
        throw new IllegalArgumentException("category_cap: expected at least 1, got " + categoryCap);
      }
    }

    public FilterOptions options() {
      FilterOptions d = FilterOptions.defaults();
      return new FilterOptions(threshold == null ? d.threshold() : threshold, bestOfK == null ? d.bestOfK() : bestOfK,
          categoryCap, dedup == null ? d.dedup() : dedup, dropSuspicious == null ? d.dropSuspicious() : dropSuspicious);
    }
  }

  /**
   * @param formats any of {@code jsonl}, {@code openai}, {@code hf} (default all three)
   * @param hfReasoning {@code think} (inline before the reply, default) or {@code field}
   * @param dir the export directory (default {@code export} in the run directory)
   */
  public record Export(List<String> formats, String hfReasoning, String dir) {
    public Export {
      formats = formats == null || formats.isEmpty() ? List.of("jsonl", "openai", "hf") : List.copyOf(formats);
      for (String f : formats) {
        if (!List.of("jsonl", "openai", "hf").contains(f)) {
          throw new IllegalArgumentException("formats: expected jsonl, openai or hf, got " + f);
        }
      }
      hfReasoning = hfReasoning == null ? "think" : hfReasoning;
      if (!List.of("think", "field").contains(hfReasoning)) {
        throw new IllegalArgumentException("hf_reasoning: expected think or field, got " + hfReasoning);
      }
    }
  }

  /**
   * The SFT job: supervised fine-tuning on the local engine, as the pipeline's {@code sft} section and as
   * {@code deliberate train sft} take it (every option of that command is a field here, and every default is set
   * here only). In the pipeline it writes {@code model-NAME/} in the run directory.
   *
   * @param name the job's name: its model directory is {@code model-NAME}, and {@code eval.models} and
   *     {@code rl.model} may refer to it by name (default {@code sft})
   * @param model the base model: {@code tiny}, {@code local:DIR} or a model directory (pipeline default: {@code base})
   * @param data SFT examples in our JSONL (pipeline default: the export stage's {@code sft.jsonl}, else the filter's)
   * @param reasoning {@code keep} (learn chain of thought and answer, default) or {@code drop} (the answer only: the
   *     direct-SFT baseline, the same examples with the chain of thought removed)
   * @param maxPromptTokens leave out examples whose prompt is longer than this many tokens, or whose prompt and
   *     turn do not fit the model's context, so that no example is cut (default 0: keep them all, cut to
   *     {@code max_length}); measured on the examples as they are, before {@code reasoning} drops anything, so the
   *     direct and deliberative students learn from the same examples
   * @param examples draw this many examples (with the seed; repeated when there are fewer), {@code benign_share}
   *     of them benign (expected comply); needs our JSONL's {@code expected} field (default 0: every example once)
   * @param benignShare the share of benign examples in the draw (default 0.6: the benchmarks hold about two harmful
   *     requests per benign one, and a small model trained on that ratio learns to refuse everything)
   * @param ordinaryExamples add this many ordinary requests from the tiny model's own instruction mix, so that SFT
   *     does not make it forget how to answer them (default 0; skipped with a note when the base is not the tiny model)
   * @param steps optimizer steps; 0 = from {@code epochs} (default 0)
   * @param epochs passes over the data when {@code steps} is 0 (default 2)
   * @param lr peak learning rate (default 1e-4)
   * @param batch examples per micro-batch (default 8)
   * @param gradAccum micro-batches per step (default 1)
   * @param maxLength tokens per example at most; 0 = the model's context (default 0)
   * @param warmup warm-up share of the steps (default 0.05)
   * @param minLrRatio the cosine schedule ends at this share of the peak learning rate (default 0.1)
   * @param weightDecay AdamW decay (default 0.01)
   * @param clip global gradient-norm clip (default 1.0)
   * @param evalFraction share of the data held out for the eval loss (default 0.05)
   * @param evalEvery steps between eval losses (default 50)
   * @param checkpointEvery steps between checkpoints (default 50)
   * @param logEvery steps between progress lines (default 10)
   * @param seed data order and draw seed (pipeline default: the pipeline's; {@code train sft} default: 1)
   */
  public record Sft(String name, String model, String data, String reasoning, Integer maxPromptTokens,
      Integer examples, Double benignShare, Integer ordinaryExamples, Integer steps, Integer epochs, Double lr,
      Integer batch, Integer gradAccum, Integer maxLength, Double warmup, Double minLrRatio, Double weightDecay,
      Double clip, Double evalFraction, Integer evalEvery, Integer checkpointEvery, Integer logEvery, Long seed) {
    public Sft {
      name = jobName(name, "sft");
      if (model != null && model.isBlank()) {
        throw new IllegalArgumentException("model: expected tiny, local:DIR or a model directory");
      }
      reasoning = reasoning == null ? "keep" : reasoning;
      if (!List.of("keep", "drop").contains(reasoning)) {
        throw new IllegalArgumentException("reasoning: expected keep or drop, got " + reasoning);
      }
      maxPromptTokens = atLeast("max_prompt_tokens", maxPromptTokens, 0, 0);
      examples = atLeast("examples", examples, 0, 0);
      benignShare = atMostOne("benign_share", benignShare, 0.6);
      ordinaryExamples = atLeast("ordinary_examples", ordinaryExamples, 0, 0);
      steps = atLeast("steps", steps, 0, 0);
      epochs = positive("epochs", epochs, 2);
      lr = positiveNumber("lr", lr, 1e-4);
      batch = positive("batch", batch, 8);
      gradAccum = positive("grad_accum", gradAccum, 1);
      maxLength = atLeast("max_length", maxLength, 0, 0);
      warmup = share("warmup", warmup, 0.05);
      minLrRatio = atMostOne("min_lr_ratio", minLrRatio, 0.1);
      weightDecay = notNegative("weight_decay", weightDecay, 0.01);
      clip = positiveNumber("clip", clip, 1.0);
      evalFraction = share("eval_fraction", evalFraction, 0.05);
      evalEvery = positive("eval_every", evalEvery, 50);
      checkpointEvery = positive("checkpoint_every", checkpointEvery, 50);
      logEvery = positive("log_every", logEvery, 10);
    }

    /** The job with {@code model} and {@code seed} filled in where none was given. */
    public Sft withDefaults(String defaultModel, long defaultSeed) {
      return new Sft(name, model != null ? model : defaultModel, data, reasoning, maxPromptTokens, examples,
          benignShare, ordinaryExamples, steps, epochs, lr, batch, gradAccum, maxLength, warmup, minLrRatio,
          weightDecay, clip, evalFraction, evalEvery, checkpointEvery, logEvery, seed != null ? seed : defaultSeed);
    }
  }

  /**
   * The RL job: GRPO on the local engine with the spec judge as reward, as the pipeline's {@code rl} section and as
   * {@code deliberate train rl} take it (every option of that command is a field here, and every default is set
   * here only). In the pipeline it writes {@code model-NAME/}.
   *
   * @param name the job's name: its model directory is {@code model-NAME}, and {@code eval.models} may refer to it
   *     by name (default {@code rl})
   * @param model the model to improve: a model string, or the name of an sft job of the pipeline (pipeline
   *     default: the last sft job's model)
   * @param reference the frozen model of the KL penalty (default: {@code model})
   * @param prompts training prompts, JSONL (pipeline default: the prompts the generate stage reads)
   * @param evalPrompts held-out prompts, only evaluated (pipeline default: the split's {@code eval.jsonl});
   *     {@code none}: no evaluation during training
   * @param evalLimit at most this many held-out prompts, spread over them: each is answered greedily at every
   *     evaluation (default 50; 0 = all)
   * @param maxPromptTokens leave out prompts longer than this many tokens, or leaving less than
   *     {@code max_new_tokens} of the model's context (default 0: every prompt)
   * @param benignShare draw {@code steps} x {@code prompts_per_step} prompts with the seed, this share of them benign
   *     (expected comply), each once before any twice (default: the prompts as they are, in the trainer's order)
   * @param judge {@code reference} (offline) or a model string (default reference)
   * @param judgeApiKeyEnv environment variable holding the judge's API key
   * @param judgeAttempts requests per judgment when a model judge's reply is malformed (default 3)
   * @param steps sampling rounds (default 100)
   * @param group answers per prompt, at least 2 (default 4)
   * @param promptsPerStep prompts per round (default 4)
   * @param lr learning rate (default 1e-5)
   * @param warmupSteps rounds of linear warm-up (default 0)
   * @param weightDecay AdamW decay (default 0)
   * @param gradClip global gradient-norm clip (default 1.0)
   * @param klCoef weight of the KL penalty to the starting model (default 0.04)
   * @param clip importance ratio clip (default 0.2)
   * @param updates optimizer steps per sampled batch; above 1 the clip matters (default 1)
   * @param microBatch answers per forward pass; memory only, not the result (default 8)
   * @param maxNewTokens token budget per answer (default 128)
   * @param temperature sampling temperature, above 0 (default 1.0)
   * @param topP nucleus sampling, in (0, 1] (default 1.0)
   * @param formatReward bonus for a well-formed reasoning-then-answer turn (default 0.1)
   * @param evalEvery rounds between greedy evaluations (default 10)
   * @param probe training prompts answered greedily at each evaluation (default 16)
   * @param checkpointEvery rounds between checkpoints (default 10)
   * @param keep {@code last} (default) ends with the last round's weights; {@code best} with those of the greedy
   *     evaluation whose mean judge score on the held-out prompts was highest, the starting model's included (needs
   *     held-out prompts; evaluations come every {@code eval_every} rounds)
   * @param seed prompt order, draw and sampling seed (pipeline default: the pipeline's; {@code train rl} default: 1)
   */
  public record Rl(String name, String model, String reference, String prompts, String evalPrompts, Integer evalLimit,
      Integer maxPromptTokens, Double benignShare, String judge,
      String judgeApiKeyEnv, Integer judgeAttempts, Integer steps, Integer group, Integer promptsPerStep, Double lr,
      Integer warmupSteps, Double weightDecay, Double gradClip, Double klCoef, Double clip, Integer updates,
      Integer microBatch, Integer maxNewTokens, Double temperature, Double topP, Double formatReward,
      Integer evalEvery, Integer probe, Integer checkpointEvery, String keep, Long seed) {
    public Rl {
      name = jobName(name, "rl");
      maxPromptTokens = atLeast("max_prompt_tokens", maxPromptTokens, 0, 0);
      if (benignShare != null && !(benignShare >= 0 && benignShare <= 1)) {
        throw new IllegalArgumentException("benign_share: expected a number in [0, 1], got " + benignShare);
      }
      judge = judge == null || judge.isBlank() ? "reference" : judge;
      judgeAttempts = positive("judge_attempts", judgeAttempts, 3);
      evalLimit = atLeast("eval_limit", evalLimit, 0, 50);
      steps = positive("steps", steps, 100);
      group = atLeast("group", group, 2, 4);
      promptsPerStep = positive("prompts_per_step", promptsPerStep, 4);
      lr = positiveNumber("lr", lr, 1e-5);
      warmupSteps = atLeast("warmup_steps", warmupSteps, 0, 0);
      weightDecay = notNegative("weight_decay", weightDecay, 0.0);
      gradClip = positiveNumber("grad_clip", gradClip, 1.0);
      klCoef = notNegative("kl_coef", klCoef, 0.04);
      clip = clip == null ? 0.2 : clip;
      if (!(clip > 0 && clip < 1)) {
        throw new IllegalArgumentException("clip: expected a number in (0, 1), got " + clip);
      }
      updates = positive("updates", updates, 1);
      microBatch = positive("micro_batch", microBatch, 8);
      maxNewTokens = positive("max_new_tokens", maxNewTokens, 128);
      temperature = positiveNumber("temperature", temperature, 1.0);
      topP = topP == null ? 1.0 : topP;
      if (!(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("top_p: expected a number in (0, 1], got " + topP);
      }
      formatReward = notNegative("format_reward", formatReward, 0.1);
      evalEvery = positive("eval_every", evalEvery, 10);
      probe = atLeast("probe", probe, 0, 16);
      checkpointEvery = positive("checkpoint_every", checkpointEvery, 10);
      keep = keep == null ? "last" : keep;
      if (!keep.equals("last") && !keep.equals("best")) {
        throw new IllegalArgumentException("keep: expected last or best, got " + keep);
      }
    }

    /** Whether the job ends with its best weights on the held-out prompts ({@code keep: best}). */
    public boolean keepBest() {
      return keep.equals("best");
    }

    /** How the judge is reached when it is a model. */
    public ModelSettings judgeSettings() {
      return ModelSettings.of(judge, judgeApiKeyEnv, 1, null, null, 1);
    }

    /** Whether evaluation during training is switched off ({@code eval_prompts: none}). */
    public boolean noEvalPrompts() {
      return "none".equals(evalPrompts);
    }

    /**
     * The job with its model strings as given ({@code model}, and {@code reference} when there is one) and
     * {@code seed} filled in when none was given.
     */
    public Rl withModels(String model, String reference, long defaultSeed) {
      return new Rl(name, model, reference, prompts, evalPrompts, evalLimit, maxPromptTokens, benignShare, judge,
          judgeApiKeyEnv, judgeAttempts, steps, group, promptsPerStep, lr, warmupSteps, weightDecay, gradClip, klCoef,
          clip, updates, microBatch, maxNewTokens, temperature, topP, formatReward, evalEvery, probe, checkpointEvery,
          keep, seed != null ? seed : defaultSeed);
    }
  }

  /**
   * One evaluation job: models on safety suites; writes {@code DIR/MODEL/} per model (what {@code deliberate report}
   * reads). The {@code eval} section is one job or a list of them, e.g. one on the {@code validation} split, where
   * recipe choices are made, and one on the held-out {@code split}, reported last.
   *
   * @param name names the job and its directory: {@code eval/} for the default name {@code eval}, else
   *     {@code eval-NAME/}
   * @param models NAME: MODEL; MODEL is a model string, the name of one of the run's training jobs ({@code sft} and
   *     {@code rl} by default), or {@code base} (the pipeline's {@code base})
   * @param suites {@code strongreject}, {@code xstest}, {@code split} (the run's held-out {@code eval.jsonl}: its
   *     StrongREJECT prompts plain and attacked, the others plain, each in its own suite), {@code validation} (the
   *     split's {@code validation.jsonl}, the same way) or prompt JSONL files (default strongreject and xstest)
   * @param attacks jailbreak attacks applied to StrongREJECT prompts: {@code none}, {@code all} or names (default none)
   * @param grader {@code reference}, {@code string-match} or a model string (default reference)
   * @param limit at most this many prompts per suite, spread over it (default all); for StrongREJECT this counts
   *     requests, each asked plain and under every attack
   * @param limits a limit per suite by name ({@code strongreject: 24, xstest: 140}), over {@code limit}
   * @param maxTokens longest answer to ask for (default: the model's)
   * @param fitContext leave out prompts that leave less than {@code max_tokens} of room in a local model's
   *     context, measured with the first local model of {@code models} so that every model answers the same
   *     prompts, and ask them shortest first, so that batches waste little padding (default false)
   * @param seed answering and bootstrap seed (default: the pipeline's)
   * @param apiKeyEnv environment variable holding the API key of the endpoint models and a model grader
   * @param concurrency prompts answered (and answers graded) at once: parallel requests to an endpoint, the batch
   *     of a local model (default 8)
   * @param timeoutSeconds longest one request may take (default 600)
   * @param maxRetries retries of one request after the first try (default 5)
   * @param attacker the model that writes the model-driven attacks (required when one is chosen; PAIR's judge is
   *     {@code grader}, its target each evaluated model)
   * @param pairRounds most PAIR rounds (default 3)
   * @param languages the multilingual suite: StrongREJECT's plain requests and XSTest's prompts translated into
   *     these languages (codes such as {@code zu}, {@code gd}) by {@code translator}, reported per language
   * @param translator the model that translates them and the answers back (required with {@code languages})
   */
  public record Eval(String name, Map<String, String> models,
      @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> suites,
      @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> attacks, String grader,
      Integer limit, Map<String, Integer> limits, Integer maxTokens, Boolean fitContext, Long seed, String apiKeyEnv, Integer concurrency, Double timeoutSeconds,
      Integer maxRetries, String attacker, Integer pairRounds,
      @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> languages, String translator) {
    public Eval {
      name = jobName(name, DEFAULT_EVAL);
      settings("reference", apiKeyEnv, concurrency, timeoutSeconds, maxRetries);
      if (models == null || models.isEmpty()) {
        throw new IllegalArgumentException("models: required: a mapping NAME: MODEL_STRING (sft and rl name the run's models)");
      }
      for (Map.Entry<String, String> m : models.entrySet()) {
        if (!m.getKey().matches(NAME)) {
          throw new IllegalArgumentException("models: name '" + m.getKey()
              + "': expected letters, digits, '.', '_', '+' or '-' (it names a directory)");
        }
        if (m.getValue() == null || m.getValue().isBlank()) {
          throw new IllegalArgumentException("models: " + m.getKey() + ": expected a model string, sft or rl");
        }
      }
      models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
      suites = suites == null || suites.isEmpty() ? List.of("strongreject", "xstest") : List.copyOf(suites);
      attacks = attacks == null || attacks.isEmpty() ? List.of("none") : List.copyOf(attacks);
      grader = grader == null || grader.isBlank() ? "reference" : grader;
      requireAttackModels(attacks, attacker, false, null, pairRounds);
      languages = languages == null ? List.of() : List.copyOf(languages);
      for (String language : languages) {
        if (dev.deliberate.attack.Attacks.translation(language).isEmpty()) {
          throw new IllegalArgumentException("languages: unknown language '" + language + "': expected codes among "
              + dev.deliberate.attack.Attacks.languageCodes());
        }
      }
      if (!languages.isEmpty() && (translator == null || translator.isBlank())) {
        throw new IllegalArgumentException("translator: required by languages " + String.join(", ", languages)
            + ": expected a model string");
      }
      if (limit != null && limit < 1) {
        throw new IllegalArgumentException("limit: expected at least 1, got " + limit);
      }
      limits = limits == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(limits));
      for (Map.Entry<String, Integer> l : limits.entrySet()) {
        if (l.getValue() == null || l.getValue() < 1) {
          throw new IllegalArgumentException("limits: " + l.getKey() + ": expected at least 1, got " + l.getValue());
        }
      }
      if (maxTokens != null && maxTokens < 1) {
        throw new IllegalArgumentException("max_tokens: expected at least 1, got " + maxTokens);
      }
      fitContext = fitContext != null && fitContext;
      if (fitContext && maxTokens == null) {
        throw new IllegalArgumentException("fit_context: needs max_tokens (the room every prompt must leave)");
      }
    }

    /** The directory of this job's per-model results, in the run directory. */
    public String dir() {
      return name.equals(DEFAULT_EVAL) ? DEFAULT_EVAL : DEFAULT_EVAL + "-" + name;
    }

    /** Whether this job evaluates the held-out split (the report's comparison and examples come from it). */
    public boolean heldOut() {
      return suites.contains("split");
    }

    /** The chosen attacks, with {@code pair_rounds} applied. */
    public dev.deliberate.attack.Attacks.Selection selection() {
      return PipelineConfig.selection(attacks, pairRounds);
    }

    /** The limit of one suite: its own, else {@code limit}, else null (all). */
    public Integer limitOf(String suite) {
      return limits.getOrDefault(suite, limit);
    }

    /** How to call {@code model}, an evaluated model or the grader, with this section's settings. */
    public ModelSettings settings(String model) {
      return settings(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries);
    }

    private static ModelSettings settings(String model, String apiKeyEnv, Integer concurrency, Double timeoutSeconds,
        Integer maxRetries) {
      return ModelSettings.of(model, apiKeyEnv, concurrency, timeoutSeconds, maxRetries, 8);
    }
  }

  /**
   * The comparison at the end of a run, from the eval stage's results: {@code report.html} and {@code report.md} in
   * the run directory, and the text the run prints ({@code summary.txt}): the metrics table, the same metrics on
   * the split's held-out attacks alone, and what each model wrote for a few held-out attacked prompts.
   *
   * @param examples held-out attacked prompts shown side by side, one per attack (default 2)
   */
  public record Report(Integer examples) {
    public Report {
      examples = atLeast("examples", examples, 0, 2);
    }
  }

  /** The name of an eval job without one; its results go to {@code eval/}. */
  static final String DEFAULT_EVAL = "eval";

  /** A training job's name (it names a directory): {@code defaultName} when none is given. */
  static String jobName(String name, String defaultName) {
    if (name == null) {
      return defaultName;
    }
    if (!name.matches(NAME)) {
      throw new IllegalArgumentException("name: '" + name + "': expected letters, digits, '.', '_', '+' or '-'"
          + " (it names a directory)");
    }
    return name;
  }

  /** The names of training jobs and evaluated models: they name directories. */
  static final String NAME = "[A-Za-z0-9][A-Za-z0-9._+-]*";

  static Integer atLeast(String field, Integer value, int min, int defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (value < min) {
      throw new IllegalArgumentException(field + ": expected at least " + min + ", got " + value);
    }
    return value;
  }

  static Double positiveNumber(String field, Double value, double defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (!(value > 0)) {
      throw new IllegalArgumentException(field + ": expected a positive number, got " + value);
    }
    return value;
  }

  static Double share(String field, Double value, double defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (value < 0 || value >= 1) {
      throw new IllegalArgumentException(field + ": expected a number in [0, 1), got " + value);
    }
    return value;
  }

  static Double notNegative(String field, Double value, double defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (!(value >= 0)) {
      throw new IllegalArgumentException(field + ": expected 0 or more, got " + value);
    }
    return value;
  }

  static Double atMostOne(String field, Double value, double defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(field + ": expected a number in [0, 1], got " + value);
    }
    return value;
  }

  static Integer positive(String field, Integer value, int defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (value < 1) {
      throw new IllegalArgumentException(field + ": expected at least 1, got " + value);
    }
    return value;
  }
}
