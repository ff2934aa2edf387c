package dev.deliberate.eval;

import dev.deliberate.BadInputException;
import dev.deliberate.judge.RefusalClass;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One model answer with a human label, as in XSTest's annotated completions
 * ({@code id,type,prompt,completion,annotation_1,annotation_2,agreement,final_label}).
 */
public record LabeledAnswer(String id, String type, String prompt, String completion, RefusalClass label) {
  static final Set<String> REQUIRED = Set.of("id", "prompt", "completion", "final_label");

  /** Reads a labeled CSV; a missing column or an unknown label is a one-line error naming the file and record. */
  public static List<LabeledAnswer> read(Path file) throws IOException {
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    List<LabeledAnswer> rows = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(reader, format)) {
      for (String column : REQUIRED) {
        if (!parser.getHeaderMap().containsKey(column)) {
          throw new BadInputException(file + ":1: missing column '" + column
              + "': expected id,type,prompt,completion,...,final_label");
        }
      }
      boolean hasType = parser.getHeaderMap().containsKey("type");
      for (CSVRecord record : parser) {
        String where = file + ":" + record.getParser().getCurrentLineNumber() + " (record " + record.getRecordNumber() + ")";
        if (!record.isConsistent()) {
          throw new BadInputException(where + ": expected " + parser.getHeaderMap().size() + " fields, found " + record.size());
        }
        RefusalClass label;
        try {
          label = RefusalClass.parse(record.get("final_label"));
        } catch (BadInputException e) {
          throw new BadInputException(where + ": final_label: " + e.getMessage());
        }
        rows.add(new LabeledAnswer(record.get("id"), hasType ? record.get("type") : "", record.get("prompt"),
            record.get("completion"), label));
      }
    } catch (java.io.UncheckedIOException e) {
      throw new BadInputException(file + ": not a readable CSV: " + e.getCause().getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new BadInputException(file + ": no labeled rows");
    }
    return rows;
  }
}
