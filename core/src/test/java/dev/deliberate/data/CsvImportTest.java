package dev.deliberate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deliberate.BadInputException;
import dev.deliberate.spec.Style;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvImportTest {
  @TempDir Path dir;

  private Path csv(String content) throws IOException {
    Path file = dir.resolve("in.csv");
    Files.write(file, content.getBytes(StandardCharsets.UTF_8));
    return file;
  }

  @Test
  void quotedNewlinesCommasQuotesAndCrlfAreParsed() throws IOException {
    Path file = csv("category,source,forbidden_prompt\r\n"
        + "Violence,custom,\"first line\r\nsecond, with comma and \"\"quotes\"\"\"\r\n"
        + "Sexual content,DAN,plain\r\n");
    List<Prompt> prompts = new StrongRejectImporter().readAll(file);
    assertEquals(2, prompts.size());
    assertEquals("first line\r\nsecond, with comma and \"quotes\"", prompts.get(0).text());
    assertEquals("violence", prompts.get(0).category());
    assertEquals(Style.REFUSE, prompts.get(0).expected());
    assertEquals("strongreject", prompts.get(0).source());
    assertEquals(Map.of("benchmark_category", "Violence", "benchmark_source", "custom"), prompts.get(0).metadata());
    assertEquals("sexual-content", prompts.get(1).category());
  }

  @Test
  void aMissingColumnNamesTheColumnsFound() throws IOException {
    Path file = csv("category,source,prompt\nViolence,x,y\n");
    assertEquals(file + ": missing column 'forbidden_prompt'; found columns: category, source, prompt",
        assertThrows(BadInputException.class, () -> new StrongRejectImporter().readAll(file)).getMessage());
  }

  @Test
  void rowErrorsNameTheLineWhereTheRowStarts() throws IOException {
    Path file = csv("category,source,forbidden_prompt\nViolence,x,\"two\nlines\"\nCooking,x,bake a cake\n");
    assertEquals(file + ":4: column 'category': unknown StrongREJECT category 'Cooking'; expected one of "
            + "disinformation and deception; hate, harassment and discrimination; illegal goods and services; "
            + "non-violent crimes; sexual content; violence",
        assertThrows(BadInputException.class, () -> new StrongRejectImporter().readAll(file)).getMessage());
  }

  @Test
  void skipBadSkipsRowsAndCountsThem() throws IOException {
    Path file = csv("id,prompt,type,label,focus,note\n1,ok?,homonyms,safe,kill,\n2,bad,homonyms,maybe,,\n3,,homonyms,safe,,\n4,fine,contrast_privacy,unsafe,,\n");
    List<Prompt> prompts = new ArrayList<>();
    BadLines skipped = new XsTestImporter().read(file, true, prompts::add);
    assertEquals(2, prompts.size());
    assertEquals(List.of(new BadLines.BadLine(3, "column 'label': expected 'safe' or 'unsafe', found 'maybe'"),
        new BadLines.BadLine(4, "column 'prompt': expected a value, found an empty cell")), skipped.first());
    assertEquals(Map.of("xstest_id", "1", "type", "homonyms", "focus", "kill", "reason",
        CategoryMap.XSTEST_REASON.get("homonyms")), prompts.get(0).metadata());
    assertEquals("privacy", prompts.get(1).category());
    assertEquals(Style.REFUSE, prompts.get(1).expected());
  }

  @Test
  void aRowWithTheWrongNumberOfCellsIsAnError() throws IOException {
    Path file = csv("category,source,forbidden_prompt\nViolence,x\n");
    assertEquals(file + ":2: expected 3 columns, found 2",
        assertThrows(BadInputException.class, () -> new StrongRejectImporter().readAll(file)).getMessage());
  }

  @Test
  void nonUtf8CsvIsReportedAtItsLine() throws IOException {
    Path file = dir.resolve("latin1.csv");
    byte[] head = "category,source,forbidden_prompt\nViolence,x,ok\nViolence,x,caf".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[head.length + 2];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length] = (byte) 0xE9;
    bytes[head.length + 1] = '\n';
    Files.write(file, bytes);
    assertEquals(file + ":3: not valid UTF-8",
        assertThrows(BadInputException.class, () -> new StrongRejectImporter().read(file, true, p -> {})).getMessage());
  }

  @Test
  void unterminatedQuoteIsNotValidCsv() throws IOException {
    Path file = csv("category,source,forbidden_prompt\nViolence,x,\"never closed\n");
    String message = assertThrows(BadInputException.class, () -> new StrongRejectImporter().readAll(file)).getMessage();
    assertEquals(file + ":2: not valid CSV (", message.substring(0, (file + ":2: not valid CSV (").length()), message);
  }

  @Test
  void genericCsvMapsColumnsAndKeepsTheRestAsMetadata() throws IOException {
    Path file = csv("qid,question,kind,label,extra\nq1,How do I tie a tie?,regulated-advice,comply,x\nq2,Second?,violence,REFUSE,\n");
    ColumnMapping mapping = new ColumnMapping("question", "qid", "kind", "label", null, null, "mine");
    List<Prompt> prompts = new CsvImporter(mapping).readAll(file);
    assertEquals("q1", prompts.get(0).id());
    assertEquals("How do I tie a tie?", prompts.get(0).text());
    assertEquals("regulated-advice", prompts.get(0).category());
    assertEquals(Style.COMPLY, prompts.get(0).expected());
    assertEquals("mine", prompts.get(0).source());
    assertEquals(Map.of("extra", "x"), prompts.get(0).metadata());
    assertEquals(Style.REFUSE, prompts.get(1).expected());
    assertEquals(Map.of(), prompts.get(1).metadata());
  }

  @Test
  void genericCsvWithConstantsAndComputedIds() throws IOException {
    Path file = csv("prompt\nA\nB\n");
    List<Prompt> prompts = new CsvImporter(new ColumnMapping("prompt", null, null, null, "hate", Style.REFUSE, "mine")).readAll(file);
    assertEquals(List.of("hate", "hate"), prompts.stream().map(Prompt::category).toList());
    assertEquals(Prompt.of("A", "hate", Style.REFUSE, "mine", null).id(), prompts.get(0).id());
  }

  @Test
  void genericJsonlMapsFields() throws IOException {
    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, "{\"q\":\"Hello?\",\"n\":7,\"lab\":\"safe-complete\",\"tags\":[\"a\"]}\n{\"q\":42}\n");
    ColumnMapping mapping = new ColumnMapping("q", "n", null, "lab", "self-harm", null, "mine");
    BadInputException e = assertThrows(BadInputException.class, () -> new JsonlImporter(mapping).readAll(file));
    assertEquals(file + ":2: field 'q': expected a string, found a number", e.getMessage());
    List<Prompt> prompts = new ArrayList<>();
    BadLines skipped = new JsonlImporter(mapping).read(file, true, prompts::add);
    assertEquals(1, skipped.count());
    Prompt p = prompts.get(0);
    assertEquals("7", p.id());
    assertEquals("Hello?", p.text());
    assertEquals(Style.SAFE_COMPLETE, p.expected());
    assertEquals("self-harm", p.category());
    assertEquals(Map.of("tags", List.of("a")), p.metadata());
  }
}
