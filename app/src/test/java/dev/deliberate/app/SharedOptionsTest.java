package dev.deliberate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.pipeline.PipelineConfig;
import dev.deliberate.pipeline.PipelineFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options many commands share are declared once (picocli mixins) and have one default everywhere, shown in
 * {@code --help}. The quickstart is left out: it runs a pipeline of its own.
 */
class SharedOptionsTest {
  /** Every leaf command by its path ("eval grader-check"), from the real command tree. */
  private static Map<String, CommandLine> leaves() {
    Map<String, CommandLine> out = new TreeMap<>();
    List<CommandLine> todo = new ArrayList<>(List.of(Main.commandLine()));
    while (!todo.isEmpty()) {
      CommandLine c = todo.remove(todo.size() - 1);
      if (!(c.getCommand() instanceof Main)) {
        out.put(c.getCommandSpec().qualifiedName(" ").replaceFirst("^\\S+ ", ""), c);
      }
      todo.addAll(c.getSubcommands().values());
    }
    out.remove("help");
    out.remove("quickstart");
    return out;
  }

  /** For each command that has {@code name}: its default value and description. */
  private static Map<String, List<String>> option(String name) {
    Map<String, List<String>> found = new TreeMap<>();
    leaves().forEach((path, c) -> {
      OptionSpec o = c.getCommandSpec().findOption(name);
      if (o != null) {
        found.put(path, List.of(String.valueOf(o.defaultValue()), String.join(" ", o.description())));
      }
    });
    return found;
  }

  @Test
  void everySeedDefaultsToThePipelinesSeedWithOneDescription(@TempDir Path dir) throws Exception {
    Map<String, List<String>> seeds = option("--seed");
    assertTrue(seeds.keySet().containsAll(List.of("chat", "complete", "data split", "eval", "generate", "judge",
        "model generate", "train rl", "train sft")), seeds.keySet()::toString);
    Path file = Files.writeString(dir.resolve("p.yaml"), "spec: s.md\n");
    PipelineConfig pipeline = PipelineFile.read(file, Map.of()).config();
    seeds.forEach((path, value) -> {
      assertEquals(String.valueOf(pipeline.seed()), value.get(0), path);
      assertEquals(seeds.values().iterator().next().get(1), value.get(1), path);
    });
    String help = leaves().get("judge").getUsageMessage().replaceAll("\\s+", " ");
    assertTrue(help.contains("(default: 1, the pipeline's default seed)"), help);
  }

  @Test
  void modelCallSettingsBenchmarksAndRunDirectoriesHaveOneDefaultEach() {
    for (String name : List.of("--concurrency", "--timeout", "--max-retries", "--benchmarks")) {
      Map<String, List<String>> uses = option(name);
      assertFalse(uses.isEmpty(), name);
      long defaults = uses.values().stream().map(v -> v.get(0)).distinct().count();
      // serve-reward's and serve's --concurrency also count the server's workers: the same default, their own words.
      uses.remove("serve-reward");
      uses.remove("serve");
      long descriptions = uses.values().stream().map(v -> v.get(1)).distinct().count();
      assertEquals(1, defaults, name + ": " + uses);
      assertEquals(1, descriptions, name + ": " + uses);
    }
  }

  @Test
  void theAttackerOptionsAndTheServersAddressReadTheSameInEveryCommand() {
    Map<String, List<String>> commands = Map.of("--attacker", List.of("data attack", "eval"),
        "--pair-rounds", List.of("data attack", "eval"), "--host", List.of("serve", "serve-reward"),
        "--port", List.of("serve", "serve-reward"));
    commands.forEach((name, expected) -> {
      Map<String, List<String>> uses = option(name);
      assertEquals(expected, List.copyOf(uses.keySet()), name);
      assertEquals(1, uses.values().stream().distinct().count(), name + ": " + uses);
    });
  }

  @Test
  void samplingOptionsMeanTheModelsOwnDefaultWhereverTheyAreShared() {
    for (String name : List.of("--temperature", "--top-p", "--max-tokens")) {
      Map<String, List<String>> uses = option(name);
      for (String command : List.of("chat", "model generate", "generate", "complete")) {
        assertEquals("null", uses.get(command).get(0), command + " " + name + ": unset, the model's default");
        assertEquals(uses.get("chat").get(1), uses.get(command).get(1), command + " " + name);
      }
    }
  }
}
