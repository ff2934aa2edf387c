package dev.deliberate.handoff;

import dev.deliberate.BadInputException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The training frameworks we export datasets for. */
public enum HandoffFormat {
  TRL("trl"),
  OPENRLHF("openrlhf"),
  VERL("verl");

  private final String wireName;

  HandoffFormat(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }

  public static HandoffFormat parse(String text) {
    for (HandoffFormat f : values()) {
      if (f.wireName.equalsIgnoreCase(text.strip())) {
        return f;
      }
    }
    throw new BadInputException("unknown format '" + text + "': expected one of "
        + Arrays.stream(values()).map(HandoffFormat::wireName).collect(Collectors.joining(", ")));
  }
}
