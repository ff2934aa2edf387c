package dev.deliberate.app;

import dev.deliberate.BadInputException;
import dev.deliberate.UserCache;
import dev.deliberate.io.AtomicFiles;
import dev.deliberate.engine.tiny.TinyModel;
import dev.deliberate.eval.EvalMetrics;
import dev.deliberate.eval.Evaluation;
import dev.deliberate.pipeline.Pipeline;
import dev.deliberate.pipeline.PipelineConfig;
import dev.deliberate.pipeline.PipelineFile;
import dev.deliberate.report.SeedSpread;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "The whole method offline on one CPU, as a small experiment: build (or reuse) the tiny helpful-only base model;"
          + " import StrongREJECT and XSTest, apply jailbreak attacks and split so that evaluation uses requests and"
          + " attack families never seen in training; generate chains of thought with the reference generator, judge"
          + " them with the reference judge, filter and strip the spec; train three students from the same base on"
          + " the same examples (direct SFT on answers only, deliberative SFT on CoT + answer, and deliberative SFT"
          + " then GRPO with the reference judge as reward, which never sees the CoT); evaluate them and the base on"
          + " the held-out prompts; print the comparison and write the HTML report.",
      "",
      "It is a built-in pipeline file run exactly as 'deliberate run' runs any file: 'deliberate quickstart"
          + " --print-pipeline > my.yaml && deliberate run my.yaml' gives the same table. The run directory keeps a"
          + " copy as pipeline.yaml. Resumable: rerunning the same command skips finished work and continues an"
          + " interrupted stage."
    })
final class QuickstartCommand extends BaseCommand {
  @Option(names = "--small", description = "A reduced run (fewer prompts and steps, the same stages), for a first look and for CI.")
  boolean small;

  @Option(names = "--print-pipeline", description = "Print the built-in pipeline file and exit.")
  boolean printPipeline;

  @Option(names = "--student", paramLabel = "MODEL", defaultValue = "tiny",
      description = "The base every student starts from: tiny (the built-in 1.8M-parameter model), smollm2"
          + " (SmolLM2-135M-Instruct, the GGUF interop/setup.sh fetches into the user cache), or any local model"
          + " string. Any base but tiny runs the pretrained recipe (quickstart-pretrained.yaml: fewer examples and"
          + " steps, comply answers from the base itself) in runs/quickstart-pretrained (default: ${DEFAULT-VALUE}).")
  String student;

  @Option(names = "--seed", paramLabel = "N",
      description = "Seed of the data split, sampling and training (default: the pipeline file's, 7).")
  Long seed;

  @Option(names = "--seeds", paramLabel = "N,N,...", split = ",",
      description = "Run the whole comparison once per seed (each in RUN/seed-N/) and print, per model and metric,"
          + " the mean and the lowest and highest value over the seeds.")
  List<Long> seeds;

  @Option(names = "--run", paramLabel = "DIR", description = "Run directory (default: runs/ and the recipe's name: quickstart, quickstart-small,"
      + " quickstart-pretrained, quickstart-pretrained-small).")
  Path runDir;

  @Mixin BenchmarksOption benchmarks;

  @Mixin SpecOption spec;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "Where the tiny base model is cached (default: $DELIBERATE_CACHE, else $XDG_CACHE_HOME/deliberate, else ~/.cache/deliberate).")
  Path cache;

  @Override
  protected int run() throws Exception {
    // A pretrained student gets its own recipe: fewer, costlier steps, and answers of its own to learn from.
    String recipe = student.equals("tiny") ? "quickstart" : "quickstart-pretrained";
    String name = small ? recipe + "-small" : recipe;
    String text = builtin(name + ".yaml");
    if (printPipeline) {
      out().print(text);
      out().flush();
      return ExitCode.OK;
    }
    checkBenchmarks(benchmarks.path());
    Path dir = (runDir != null ? runDir : Path.of("runs", name)).toAbsolutePath();
    Files.createDirectories(dir);
    Path file = dir.resolve("pipeline.yaml");
    if (!Files.isRegularFile(file) || !Files.readString(file).equals(text)) {
      AtomicFiles.writeString(file, text);
    }
    if (seeds != null && seed != null) {
      throw new BadInputException("--seed and --seeds cannot be used together");
    }
    if (seeds == null) {
      return run(file, dir, seed);
    }
    // One spread per eval job (the validation split, then the held-out one), each titled with its split.
    Map<String, List<SeedSpread.Run>> runs = new LinkedHashMap<>();
    Map<String, String> titles = new LinkedHashMap<>();
    for (long s : seeds) {
      out().println("== seed " + s);
      Path seedDir = dir.resolve("seed-" + s);
      int status = run(file, seedDir, s);
      if (status != ExitCode.OK) {
        return status;
      }
      PipelineFile seedFile = PipelineFile.read(file, Map.of("run_dir", seedDir.toString()));
      for (PipelineConfig.Eval job : seedFile.config().eval()) {
        List<EvalMetrics> models = new ArrayList<>();
        for (String model : job.models().keySet()) {
          models.add(EvalMetrics.read(seedDir.resolve(job.dir()).resolve(model).resolve(Evaluation.METRICS)));
        }
        runs.computeIfAbsent(job.name(), k -> new ArrayList<>()).add(new SeedSpread.Run(s, models));
        titles.put(job.name(), Pipeline.title(job));
      }
    }
    StringBuilder tables = new StringBuilder();
    for (Map.Entry<String, List<SeedSpread.Run>> job : runs.entrySet()) {
      tables.append(tables.length() == 0 ? "" : "\n").append(titles.get(job.getKey())).append('\n')
          .append(SeedSpread.table(job.getValue()));
    }
    String table = tables.toString();
    AtomicFiles.writeString(dir.resolve("seeds.txt"), table);
    out().println();
    out().print(table);
    out().println("(also in " + dir.resolve("seeds.txt") + ")");
    out().flush();
    return ExitCode.OK;
  }

  /** One run of the pipeline file in {@code dir} ({@code seed}: the file's when null). */
  private int run(Path file, Path dir, Long seed) throws IOException {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("run_dir", dir.toString());
    overrides.put("spec", spec.path().toAbsolutePath().toString());
    overrides.put("benchmarks", benchmarks.path().toAbsolutePath().toString());
    if (seed != null) {
      overrides.put("seed", Long.toString(seed));
    }
    if (!student.equals("tiny")) {
      overrides.put("base", studentModel(student));
    } else if (cache != null) {
      // The base's weights depend on the thread count, so the file's count is fixed before the base is built.
      RunCommand.fixThreads(PipelineFile.read(file, overrides));
      overrides.put("base", TinyModel.ensure(cache, TinyModel.RECIPE, err()::println).toString());
    }
    return RunCommand.execute(PipelineFile.read(file, overrides), null, null, out(), err());
  }

  /** {@code smollm2} is the GGUF the interop set-up fetches; anything else is a local model string as given. */
  static String studentModel(String student) {
    return student.equals(UserCache.SMOLLM2) ? UserCache.smollm2() : student;
  }

  private static String builtin(String resource) {
    try (InputStream in = QuickstartCommand.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void checkBenchmarks(Path dir) {
    if (!Files.isRegularFile(dir.resolve("strongreject").resolve("strongreject_dataset.csv"))
        || !Files.isRegularFile(dir.resolve("xstest").resolve("xstest_prompts.csv"))) {
      throw new BadInputException("--benchmarks " + dir + ": expected strongreject/strongreject_dataset.csv and"
          + " xstest/xstest_prompts.csv there");
    }
  }
}
