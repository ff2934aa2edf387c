package dev.deliberate.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The YAML front matter of a spec, with the file line of every value so findings can point at it.
 *
 * @param id the spec id (null when missing)
 * @param version the spec version as written (null when missing); {@code 1.10} stays {@code 1.10}
 * @param categories the category entries in the order listed
 * @param line the line of the opening {@code ---}
 */
record FrontMatter(String id, String version, List<Entry> categories, int line) {
  private static final Set<String> TOP_KEYS = Set.of("id", "version", "categories");
  private static final Set<String> ENTRY_KEYS = Set.of("anchor", "default_style", "title", "summary");
  private static final YAMLFactory YAML = YAMLFactory.builder().build();

  /**
   * One item of the {@code categories} list. Values are the raw text (null when absent); lines are file lines.
   */
  record Entry(String anchor, String style, String title, String summary, int line, int styleLine, int titleLine) {}

  /**
   * Reads the YAML between the {@code ---} lines. Problems become findings; whatever could be read is kept, so
   * the linter can go on checking the rest of the spec. Null when the YAML cannot be read as a mapping at all.
   *
   * @param yaml the YAML text
   * @param firstLine the file line of the first YAML line (the line after the opening {@code ---})
   */
  static FrontMatter read(Path file, String yaml, int firstLine, List<Finding> findings) {
    int opening = firstLine - 1;
    Node root;
    try (JsonParser parser = YAML.createParser(yaml)) {
      if (parser.nextToken() == null) {
        findings.add(Finding.error(file, opening, "front matter is empty; expected YAML with id, version and categories"));
        return null;
      }
      root = Node.read(parser, firstLine - 1);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? opening : firstLine - 1 + Math.max(1, e.getLocation().getLineNr());
      // SnakeYAML's message interleaves what went wrong with indented excerpts and YAML-relative positions;
      // keep only the former, since the finding carries the file line.
      String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines()
          .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("in '"))
          .map(String::strip).collect(java.util.stream.Collectors.joining(": "));
      findings.add(Finding.error(file, line, "front matter is not valid YAML (" + (reason.isEmpty() ? "syntax error" : reason)
          + "); expected 'key: value' lines with id, version and categories"));
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("reading YAML from a string cannot fail with I/O", e);
    }
    if (!(root instanceof Node.Obj top)) {
      findings.add(Finding.error(file, root.line(), "front matter is not a YAML mapping; expected keys id, version and categories"));
      return null;
    }
    top.duplicates().forEach((key, line) -> findings.add(Finding.error(file, line, "front matter key '" + key
        + "' appears twice; expected each key once")));
    top.fields().forEach((key, node) -> {
      if (!TOP_KEYS.contains(key)) {
        findings.add(Finding.warning(file, top.keyLines().get(key), "unknown front matter key '" + key
            + "'; expected id, version or categories"));
      }
    });
    String id = scalar(file, top, "id", opening, findings);
    String version = scalar(file, top, "version", opening, findings);
    List<Entry> entries = new ArrayList<>();
    Node list = top.fields().get("categories");
    if (list == null) {
      findings.add(Finding.error(file, opening, "front matter has no 'categories'; expected a list of "
          + "{anchor, default_style} entries, one per category heading"));
    } else if (!(list instanceof Node.Seq seq)) {
      findings.add(Finding.error(file, list.line(), "front matter 'categories' is not a list; expected one "
          + "'- anchor: NAME' item with its default_style per category"));
    } else if (seq.items().isEmpty()) {
      findings.add(Finding.error(file, list.line(), "front matter 'categories' is empty; expected one "
          + "'- anchor: NAME' item with its default_style per category"));
    } else {
      for (Node item : seq.items()) {
        Entry entry = entry(file, item, findings);
        if (entry != null) {
          entries.add(entry);
        }
      }
    }
    return new FrontMatter(id, version, entries, opening);
  }

  private static Entry entry(Path file, Node item, List<Finding> findings) {
    if (!(item instanceof Node.Obj obj)) {
      findings.add(Finding.error(file, item.line(), "front matter category item is not a mapping; expected "
          + "'- anchor: NAME' followed by 'default_style: STYLE'"));
      return null;
    }
    obj.duplicates().forEach((key, line) -> findings.add(Finding.error(file, line, "category key '" + key
        + "' appears twice; expected each key once")));
    obj.fields().keySet().stream().filter(k -> !ENTRY_KEYS.contains(k)).forEach(key -> findings.add(
        Finding.warning(file, obj.keyLines().get(key), "unknown category key '" + key
            + "'; expected anchor, default_style, title or summary")));
    String anchor = scalar(file, obj, "anchor", obj.line(), findings);
    if (anchor == null) {
      return null;
    }
    String style = scalar(file, obj, "default_style", obj.line(), findings);
    Node title = obj.fields().get("title");
    String titleText = title instanceof Node.Scalar s ? s.text() : null;
    Node summary = obj.fields().get("summary");
    String summaryText = summary instanceof Node.Scalar s ? s.text() : null;
    int styleLine = obj.keyLines().getOrDefault("default_style", obj.line());
    int titleLine = obj.keyLines().getOrDefault("title", obj.line());
    return new Entry(anchor, style, titleText, summaryText, obj.line(), styleLine, titleLine);
  }

  /** The text of a required scalar key, or null with a finding when it is missing or not a scalar. */
  private static String scalar(Path file, Node.Obj obj, String key, int line, List<Finding> findings) {
    Node node = obj.fields().get(key);
    if (node == null || (node instanceof Node.Scalar s && (s.text() == null || s.text().isBlank()))) {
      findings.add(Finding.error(file, node == null ? line : node.line(), "front matter has no '" + key
          + "'" + (obj.fields().containsKey("anchor") && !key.equals("anchor") ? " for category '"
              + text(obj.fields().get("anchor")) + "'" : "") + "; expected '" + key + ": VALUE'"));
      return null;
    }
    if (!(node instanceof Node.Scalar s)) {
      findings.add(Finding.error(file, node.line(), "front matter '" + key + "' is not a single value; expected '"
          + key + ": VALUE'"));
      return null;
    }
    return s.text().strip();
  }

  private static String text(Node node) {
    return node instanceof Node.Scalar s ? s.text() : "?";
  }

  /** A YAML value with its file line; scalars keep their text exactly as written. */
  sealed interface Node {
    int line();

    record Scalar(String text, int line) implements Node {}

    record Seq(List<Node> items, int line) implements Node {}

    record Obj(Map<String, Node> fields, Map<String, Integer> keyLines, Map<String, Integer> duplicates, int line)
        implements Node {}

    /** Reads the value at the parser's current token; {@code offset} turns YAML lines into file lines. */
    static Node read(JsonParser parser, int offset) throws IOException {
      JsonToken token = parser.currentToken();
      int line = offset + parser.currentTokenLocation().getLineNr();
      if (token == JsonToken.START_OBJECT) {
        Map<String, Node> fields = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        Map<String, Integer> duplicates = new LinkedHashMap<>();
        int first = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          int keyLine = offset + parser.currentTokenLocation().getLineNr();
          first = first < 0 ? keyLine : first;
          parser.nextToken();
          Node value = read(parser, offset);
          if (fields.containsKey(key)) {
            duplicates.put(key, keyLine);
          } else {
            fields.put(key, value);
            keyLines.put(key, keyLine);
          }
        }
        return new Obj(fields, keyLines, duplicates, first < 0 ? line : first);
      }
      if (token == JsonToken.START_ARRAY) {
        List<Node> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(parser, offset));
        }
        return new Seq(items, line);
      }
      return new Scalar(token == JsonToken.VALUE_NULL ? null : parser.getText(), line);
    }
  }
}
