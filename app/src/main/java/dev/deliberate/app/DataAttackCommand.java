package dev.deliberate.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.deliberate.BadInputException;
import dev.deliberate.attack.Attack;
import dev.deliberate.attack.Attacks;
import dev.deliberate.data.Json;
import dev.deliberate.data.Prompt;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate data attack}: adds jailbroken variants of every prompt in a JSONL file. */
@Command(
    name = "attack",
    mixinStandardHelpOptions = true,
    description = {
      "Apply jailbreak attacks to every plain prompt of a prompt JSONL file and write the attacked variants.",
      "",
      "Each variant records the attack name ('attack'), its family (metadata 'attack_family') and the plain "
          + "request ('original_request'). Prompts that are already attacked are not attacked again. "
          + "The output is written to a temporary file and renamed into place, so a failed run leaves no partial "
          + "file. See 'deliberate data attacks --list' for the names.",
      ""
    })
final class DataAttackCommand extends BaseCommand {
  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Prompt JSONL file to read.")
  Path in;

  @Option(
      names = "--attacks",
      defaultValue = "all",
      paramLabel = "all|NAME,...",
      description = "Attacks to apply: 'all' or names separated by commas (default: ${DEFAULT-VALUE}).")
  String attacks;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT.jsonl", description = "Where to write the records.")
  Path out;

  @Option(
      names = "--keep-original",
      description = "Also write each input prompt, before its variants (default: variants only).")
  boolean keepOriginal;

  @Override
  protected int run() throws IOException {
    List<Attack> chosen = Attacks.parse(attacks);
    Counts counts = new Counts();
    // TODO(lead): once the data branch is on main, read with Prompts.read(in, skipBad) (and offer --skip-bad) and
    // write with JsonlWriter.create(out); this hand-rolled reader and temp-file writer then go.
    Path target = out.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      try (InputStream reader = new BufferedInputStream(Files.newInputStream(in));
          BufferedWriter writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        int lineNumber = 0;
        String line;
        while ((line = readLine(reader, lineNumber + 1)) != null) {
          lineNumber++;
          if (line.isBlank()) {
            continue;
          }
          Prompt prompt = parse(line, lineNumber);
          counts.read++;
          if (prompt.attack() != null) {
            counts.alreadyAttacked++;
          }
          List<Prompt> records = Attacks.expand(prompt, chosen, keepOriginal);
          for (Prompt record : records) {
            writer.write(Json.line(record));
            writer.newLine();
          }
          int originals = keepOriginal ? 1 : 0;
          counts.originals += originals;
          counts.variants += records.size() - originals;
        }
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    out().printf(
        "read %d prompts from %s (%d already attacked, not attacked again)%n", counts.read, in, counts.alreadyAttacked);
    out().printf(
        "wrote %d records to %s: %d originals, %d attacked variants from %d attacks%n",
        counts.originals + counts.variants, out, counts.originals, counts.variants, chosen.size());
    out().flush();
    return ExitCode.OK;
  }

  /**
   * The next line without its line ending, or null at the end. Lines are decoded one at a time, strictly, so that
   * bytes that are not UTF-8 are reported at their own line rather than where a read buffer happened to fill.
   */
  private String readLine(InputStream reader, int lineNumber) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = reader.read()) != -1 && b != '\n') {
      bytes.write(b);
    }
    if (b == -1 && bytes.size() == 0) {
      return null;
    }
    try {
      String line = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
      return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    } catch (CharacterCodingException e) {
      throw new BadInputException(in + ":" + lineNumber + ": not UTF-8 text");
    }
  }

  private Prompt parse(String line, int lineNumber) {
    Prompt prompt;
    try {
      prompt = Json.mapper().readValue(line, Prompt.class);
    } catch (JsonProcessingException e) {
      throw new BadInputException(in + ":" + lineNumber + ": expected a prompt record as one JSON object: "
          + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (prompt.messages().isEmpty()) {
      throw new BadInputException(in + ":" + lineNumber + ": expected at least one message in 'messages'");
    }
    return prompt;
  }

  private static final class Counts {
    long read;
    long alreadyAttacked;
    long originals;
    long variants;
  }
}
