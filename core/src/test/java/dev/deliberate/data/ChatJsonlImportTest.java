package dev.deliberate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data import jsonl} reads the chat format everyone else writes: a {@code messages} array of turns. */
class ChatJsonlImportTest {
  @TempDir Path dir;

  private List<Prompt> read(String... lines) throws IOException {
    Path file = dir.resolve("chat.jsonl");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return new JsonlImporter(ColumnMapping.text(ColumnMapping.DEFAULT_TEXT_COLUMN, "chat")).readAll(file);
  }

  @Test
  void aRecordWithMessagesAndNoPromptBecomesItsConversation() throws IOException {
    List<Prompt> prompts = read("{\"messages\": [{\"role\": \"user\", \"content\": \"How do tides work?\"}], \"tag\": \"x\"}");
    assertEquals(List.of(Message.user("How do tides work?")), prompts.get(0).messages());
    assertEquals("x", prompts.get(0).metadata().get("tag"));
    assertTrue(!prompts.get(0).metadata().containsKey("messages"), "the conversation is not metadata as well");
  }

  @Test
  void multiTurnKeepsEveryTurnAndTheFinalAssistantReplyGoesToMetadata() throws IOException {
    List<Prompt> prompts = read("{\"messages\": ["
        + "{\"role\": \"system\", \"content\": \"Be brief.\"},"
        + "{\"role\": \"user\", \"content\": \"Hi\"},"
        + "{\"role\": \"assistant\", \"content\": \"Hello!\"},"
        + "{\"role\": \"user\", \"content\": \"Name a prime.\"},"
        + "{\"role\": \"assistant\", \"content\": \"7\"}]}");
    Prompt p = prompts.get(0);
    assertEquals(4, p.messages().size());
    assertEquals("Name a prime.", p.text());
    assertEquals("7", p.metadata().get("completion"));
  }

  @Test
  void openAiContentPartsAndTheDeveloperRoleAreRead() throws IOException {
    List<Prompt> prompts = read("{\"messages\": [{\"role\": \"developer\", \"content\": \"Rules.\"},"
        + "{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Part one. \"}, {\"type\": \"text\", \"text\": \"Part two.\"}]}]}");
    assertEquals(List.of(Message.system("Rules."), Message.user("Part one. Part two.")), prompts.get(0).messages());
  }

  @Test
  void theSameConversationGetsTheSameIdAsOurOwnPromptFormat() throws IOException {
    Prompt imported = read("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").get(0);
    assertEquals(Prompt.idFor("chat", null, List.of(Message.user("hi"))), imported.id());
  }

  @Test
  void badTurnsNameTheFieldAndWhatWasExpected() {
    BadInputException role = assertThrows(BadInputException.class,
        () -> read("{\"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}"));
    assertTrue(role.getMessage().contains("field 'messages[0].role': expected one of system, user, assistant"), role.getMessage());
    BadInputException image = assertThrows(BadInputException.class,
        () -> read("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {}}]}]}"));
    assertTrue(image.getMessage().contains("field 'messages[0].content[0]'"), image.getMessage());
    assertTrue(image.getMessage().contains("found type 'image_url'"), image.getMessage());
    BadInputException noUser = assertThrows(BadInputException.class,
        () -> read("{\"messages\": [{\"role\": \"assistant\", \"content\": \"x\"}]}"));
    assertTrue(noUser.getMessage().contains("expected at least one user message"), noUser.getMessage());
  }

  @Test
  void aNamedTextColumnMayHoldAConversationToo() throws IOException {
    Path file = dir.resolve("conv.jsonl");
    Files.writeString(file, "{\"conversation\": [{\"role\": \"user\", \"content\": \"Q?\"}]}\n");
    List<Prompt> prompts = new JsonlImporter(ColumnMapping.text("conversation", "c")).readAll(file);
    assertEquals("Q?", prompts.get(0).text());
  }
}
