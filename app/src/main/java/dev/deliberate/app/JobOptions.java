package dev.deliberate.app;

import dev.deliberate.pipeline.PipelineFile;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options of a {@code train} command that are fields of its training job ({@code --grad-accum} is the job's
 * {@code grad_accum}, as in a pipeline file). The job record is the one place defaults live: this provider shows
 * them in {@code --help}, and {@link #job} builds the job from the options the way a pipeline file's section is
 * read, so the command line and the pipeline make the same job from the same values.
 */
class JobOptions<T extends Record> implements CommandLine.IDefaultValueProvider {
  private final Class<T> type;
  private final T defaults;
  private final java.util.Set<String> required;

  /**
   * {@code required} holds the fields the record cannot do without (a model), with placeholder values; they have no
   * default to show.
   */
  JobOptions(Class<T> type, Map<String, ?> required) {
    this.type = type;
    this.defaults = PipelineFile.section(type, required, "defaults");
    this.required = required.keySet();
  }

  @Override
  public String defaultValue(ArgSpec arg) throws Exception {
    if (!(arg instanceof OptionSpec option) || required.contains(field(option))) {
      return null;
    }
    RecordComponent component = component(field(option));
    Object value = component == null ? null : component.getAccessor().invoke(defaults);
    return value == null ? null : value.toString();
  }

  /** The job from every option of {@code spec} that names one of its fields. */
  T job(CommandSpec spec, String what) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (OptionSpec option : spec.options()) {
      String field = field(option);
      if (component(field) != null && option.getValue() != null) {
        Object value = option.getValue();
        fields.put(field, value instanceof java.nio.file.Path path ? path.toString() : value);
      }
    }
    return PipelineFile.section(type, fields, what);
  }

  /** {@code --max-new-tokens} is the field {@code max_new_tokens}: the option's first name. */
  private static String field(OptionSpec option) {
    return option.names()[0].replaceFirst("^-+", "").replace('-', '_');
  }

  private RecordComponent component(String snakeName) {
    for (RecordComponent c : type.getRecordComponents()) {
      if (c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT).equals(snakeName)) {
        return c;
      }
    }
    return null;
  }
}
