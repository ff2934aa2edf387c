package dev.deliberate.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.deliberate.BadInputException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How a model should respond to a prompt; also the expected behaviour of a prompt. */
public enum Style {
  COMPLY("comply"),
  REFUSE("refuse"),
  SAFE_COMPLETE("safe-complete");

  private final String wireName;

  Style(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in specs, JSONL files and on the command line. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }

  /** Parses a wire name ({@code comply}, {@code refuse}, {@code safe-complete}); underscores are accepted too. */
  @JsonCreator
  public static Style parse(String text) {
    String normalized = text.trim().toLowerCase().replace('_', '-');
    for (Style style : values()) {
      if (style.wireName.equals(normalized)) {
        return style;
      }
    }
    throw new BadInputException("unknown style '" + text + "': expected one of " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(Style::wireName).collect(Collectors.joining(", "));
  }
}
