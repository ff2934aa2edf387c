package dev.deliberate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deliberate.BadInputException;
import dev.deliberate.spec.Style;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptsTest {
  @TempDir Path dir;

  private Prompt one(String line) throws IOException {
    Path file = dir.resolve("p.jsonl");
    Files.writeString(file, line + "\n");
    return Prompts.readAll(file).get(0);
  }

  private String error(String line) throws IOException {
    Path file = dir.resolve("p.jsonl");
    Files.writeString(file, "{\"text\":\"fine\"}\n" + line + "\n");
    String message = assertThrows(BadInputException.class, () -> Prompts.readAll(file)).getMessage();
    String prefix = file + ":2: ";
    assertEquals(prefix, message.substring(0, prefix.length()), message);
    return message.substring(prefix.length());
  }

  @Test
  void textIsShorthandForOneUserMessageWithTheSameId() throws IOException {
    Prompt shorthand = one("{\"text\":\"hi\",\"source\":\"s\"}");
    Prompt full = one("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"source\":\"s\"}");
    assertEquals(full, shorthand);
    assertEquals(List.of(Message.user("hi")), shorthand.messages());
  }

  @Test
  void allFieldsAreRead() throws IOException {
    Prompt p = one("{\"id\":\"my-1\",\"messages\":[{\"role\":\"system\",\"content\":\"be nice\"},{\"role\":\"user\",\"content\":\"q\"}],"
        + "\"category\":\"violence\",\"expected\":\"safe-complete\",\"source\":\"s\",\"attack\":\"rot13\","
        + "\"original_request\":\"orig\",\"metadata\":{\"attack_family\":\"encoding\",\"n\":3}}");
    assertEquals("my-1", p.id());
    assertEquals(Style.SAFE_COMPLETE, p.expected());
    assertEquals("rot13", p.attack());
    assertEquals("orig", p.request());
    assertEquals(Map.of("attack_family", "encoding", "n", 3), p.metadata());
    assertNull(one("{\"text\":\"x\"}").expected());
  }

  @Test
  void badPromptsNameLineAndField() throws IOException {
    assertEquals("field 'messages': missing; expected an array of messages (or 'text' for one user message)",
        error("{\"category\":\"violence\"}"));
    assertEquals("fields 'messages' and 'text': expected one of them, not both",
        error("{\"text\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}"));
    assertEquals("field 'text': expected a non-blank string", error("{\"text\":\"  \"}"));
    assertEquals("field 'text': expected a string, found a number", error("{\"text\":5}"));
    assertEquals("field 'expected': expected one of comply, refuse, safe-complete, found 'maybe'",
        error("{\"text\":\"a\",\"expected\":\"maybe\"}"));
    assertEquals("field 'messages[1].role': expected one of system, user, assistant (or developer), found 'bot'",
        error("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"bot\",\"content\":\"b\"}]}"));
    assertEquals("field 'messages[0].content': expected a string or an array of text parts, found nothing", error("{\"messages\":[{\"role\":\"user\"}]}"));
    assertEquals("field 'messages': expected at least one user message",
        error("{\"messages\":[{\"role\":\"system\",\"content\":\"a\"}]}"));
    assertEquals("field 'messages': expected a non-empty array, found a string", error("{\"messages\":\"hi\"}"));
    assertEquals("field 'metadata': expected an object, found an array", error("{\"text\":\"a\",\"metadata\":[1]}"));
    assertEquals("field 'category': expected a string, found a boolean", error("{\"text\":\"a\",\"category\":true}"));
  }
}
