package dev.deliberate.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.deliberate.BadInputException;
import dev.deliberate.BuiltinFiles;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A pipeline file read into a {@link PipelineConfig}. Errors name the file, the line and the field
 * ({@code pipeline.yaml:12: generate.samples: expected at least 1, got 0}); unknown fields are errors, so a typo
 * is not silently ignored. {@code --set a.b=VALUE} overrides are applied before reading, and {@code ${benchmarks}}
 * in any string is replaced by the {@code benchmarks} field.
 *
 * @param config the configuration
 * @param file the pipeline file
 * @param text the file's text as read, for the manifest
 */
public record PipelineFile(PipelineConfig config, Path file, String text) {
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  public static PipelineFile read(Path file, Map<String, String> overrides) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    } catch (CharacterCodingException e) {
      throw new BadInputException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    }
    Map<String, Integer> lines;
    JsonNode tree;
    try {
      lines = lines(text);
      tree = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new BadInputException(file + ":" + line + ": not valid YAML: " + firstLine(e.getOriginalMessage()));
    }
    if (tree == null || !tree.isObject()) {
      throw new BadInputException(file + ":1: expected a mapping of pipeline sections (spec, import, generate, ...)");
    }
    ObjectNode root = (ObjectNode) tree;
    overrides.forEach((path, value) -> set(root, path, value, file));
    JsonNode benchmarks = root.get("benchmarks");
    if (benchmarks != null && benchmarks.isTextual()) {
      substitute(root, "${benchmarks}", benchmarks.asText());
    } else if (benchmarks == null && text.contains("${benchmarks}")) {
      substitute(root, "${benchmarks}", BuiltinFiles.benchmarks().toString());
    }
    try {
      return new PipelineFile(YAML.treeToValue(root, PipelineConfig.class), file, text);
    } catch (JsonMappingException e) {
      throw new BadInputException(locate(file, lines, e, overrides));
    } catch (JsonProcessingException e) {
      throw new BadInputException(file + ": " + firstLine(e.getOriginalMessage()));
    }
  }

  /**
   * One section of a pipeline file built from named fields (snake_case, as in the file), with the section's own
   * defaults and checks: how the command line and the quickstart make the same jobs a pipeline file describes.
   * {@code what} names the source in the error ({@code --lr}, say, is reported as {@code what: lr: ...}).
   */
  public static <T> T section(Class<T> type, Map<String, ?> fields, String what) {
    Map<String, Object> present = new java.util.LinkedHashMap<>();
    fields.forEach((name, value) -> {
      if (value != null) {
        present.put(name, value);
      }
    });
    try {
      return YAML.convertValue(present, type);
    } catch (IllegalArgumentException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new BadInputException(what + ": " + firstLine(cause.getMessage()));
    }
  }

  /** A path in the file resolved against the file's directory (absolute paths stay as they are). */
  public Path resolve(String path) {
    Path dir = file.toAbsolutePath().getParent();
    return dir.resolve(path).normalize();
  }

  /** The run directory: {@code run_dir}, else {@code runs/NAME} in the pipeline file's parent directory. */
  public Path runDir() {
    if (config.runDir() != null) {
      return resolve(config.runDir());
    }
    String name = config.name() != null ? config.name() : file.getFileName().toString().replaceAll("\\.ya?ml$", "");
    return resolve("../runs/" + name);
  }

  // ---- locations ----

  /** Line of every field in the file, by path ({@code generate.samples}, {@code import[0].path}). */
  static Map<String, Integer> lines(String text) throws JsonProcessingException {
    Map<String, Integer> lines = new HashMap<>();
    // One frame per open container: an object's current field name, or an array's current index.
    Deque<Object[]> frames = new ArrayDeque<>();
    try (JsonParser p = YAML.getFactory().createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case FIELD_NAME -> {
            frames.peek()[0] = p.currentName();
            lines.put(path(frames), p.currentLocation().getLineNr());
          }
          case START_OBJECT -> frames.push(new Object[] {null});
          case START_ARRAY -> frames.push(new Object[] {0});
          case END_OBJECT, END_ARRAY -> {
            frames.pop();
            nextElement(frames);
          }
          default -> nextElement(frames);
        }
      }
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return lines;
  }

  private static void nextElement(Deque<Object[]> frames) {
    if (!frames.isEmpty() && frames.peek()[0] instanceof Integer i) {
      frames.peek()[0] = i + 1;
    }
  }

  private static String path(Deque<Object[]> frames) {
    StringBuilder out = new StringBuilder();
    Iterator<Object[]> outerFirst = frames.descendingIterator();
    while (outerFirst.hasNext()) {
      Object key = outerFirst.next()[0];
      if (key instanceof Integer i) {
        out.append('[').append(i).append(']');
      } else if (key != null) {
        out.append(out.length() == 0 ? "" : ".").append(key);
      }
    }
    return out.toString();
  }

  private static String locate(Path file, Map<String, Integer> lines, JsonMappingException e,
      Map<String, String> overrides) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    String message = firstLine(e.getCause() != null && e.getCause().getMessage() != null
        ? e.getCause().getMessage() : e.getOriginalMessage());
    String lookup = null;
    if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
      message = "unknown field '" + u.getPropertyName() + "'";
      lookup = path.toString();
      path.setLength(Math.max(0, path.lastIndexOf(".")));
    }
    int colon = message.indexOf(": ");
    if (e.getCause() instanceof IllegalArgumentException && colon > 0 && !message.substring(0, colon).contains(" ")) {
      path.append(path.length() == 0 ? "" : ".").append(message, 0, colon);
      message = message.substring(colon + 2);
    }
    String field = singleAsList(path.toString(), lines);
    if (overrides.containsKey(field)) {
      return "--set " + field + ": " + message;
    }
    Integer line = null;
    for (String p = lookup != null ? singleAsList(lookup, lines) : field; line == null && !p.isEmpty(); p = parent(p)) {
      line = lines.get(p);
    }
    return file + ":" + (line == null ? 1 : line) + ": " + (field.isEmpty() ? "" : field + ": ") + message;
  }

  /**
   * A section that may be one job or a list of them ({@code sft}, {@code rl}) is a list of one when written as a
   * mapping: the path the reader reports then has an index the file does not ({@code rl[0].group} for the file's
   * {@code rl.group}); the file's own path is the one to show.
   */
  private static String singleAsList(String path, Map<String, Integer> lines) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([a-z_]+)\\[0\\]").matcher(path);
    if (!m.find()) {
      return path;
    }
    String indexed = m.group();
    boolean written = lines.keySet().stream().anyMatch(k -> k.startsWith(indexed));
    return written ? path : m.group(1) + path.substring(indexed.length());
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    String first = message.lines().findFirst().orElse("");
    int at = first.indexOf(" (for ");
    return at > 0 ? first.substring(0, at) : first;
  }

  // ---- overrides ----

  private static void set(ObjectNode root, String path, String value, Path file) {
    String[] parts = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || child.isNull()) {
        child = node.putObject(parts[i]);
      }
      if (!child.isObject()) {
        throw new BadInputException("--set " + path + ": " + parts[i] + " in " + file + " is not a section");
      }
      node = (ObjectNode) child;
    }
    try {
      JsonNode parsed = YAML.readTree(value);
      node.set(parts[parts.length - 1], parsed == null || parsed.isMissingNode() ? TextNode.valueOf(value) : parsed);
    } catch (JsonProcessingException e) {
      node.put(parts[parts.length - 1], value);
    }
  }

  private static void substitute(JsonNode node, String variable, String value) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual() && e.getValue().asText().contains(variable)) {
          e.setValue(TextNode.valueOf(e.getValue().asText().replace(variable, value)));
        } else {
          substitute(e.getValue(), variable, value);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode child = node.get(i);
        if (child.isTextual() && child.asText().contains(variable)) {
          ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, TextNode.valueOf(child.asText().replace(variable, value)));
        } else {
          substitute(child, variable, value);
        }
      }
    }
  }
}
