package dev.deliberate.io;

import dev.deliberate.data.JsonlWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private List<Path> filesIn(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  @Test
  void writeStringReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("a/b/out.txt");
    AtomicFiles.writeString(target, "first");
    AtomicFiles.writeString(target, "second");
    assertEquals("second", Files.readString(target));
    assertEquals(List.of(target), filesIn(target.getParent()));
  }

  @Test
  void aFinishedFileIsReadableByOthersLikeAnyOrdinaryOutput() throws IOException {
    Path target = dir.resolve("report.html");
    AtomicFiles.writeString(target, "<html></html>");
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
  }

  @Test
  void nothingAppearsUnderTheTargetNameBeforeCommit() throws IOException {
    Path target = dir.resolve("out.jsonl");
    try (JsonlWriter writer = JsonlWriter.create(target)) {
      writer.write(Map.of("a", 1));
      assertFalse(Files.exists(target));
      writer.commit();
    }
    assertEquals("{\"a\":1}\n", Files.readString(target));
  }

  @Test
  void aFailureMidWriteKeepsTheOldFileAndRemovesTheTemporary() throws IOException {
    Path target = dir.resolve("out.jsonl");
    Files.writeString(target, "{\"old\":true}\n");
    Iterator<Object> failing = new Iterator<>() {
      int n;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Object next() {
        if (++n == 1000) {
          throw new IllegalStateException("crash in the middle");
        }
        return Map.of("n", n, "pad", "x".repeat(100));
      }
    };
    assertThrows(IllegalStateException.class, () -> JsonlWriter.writeAll(target, () -> failing));
    assertEquals("{\"old\":true}\n", Files.readString(target));
    assertEquals(List.of(target), filesIn(dir));
  }

  @Test
  void replaceDirectorySwapsInTheNewDirectoryWholeAndAFailedWriteKeepsTheOldOne() throws IOException {
    Path target = dir.resolve("checkpoint");
    AtomicFiles.replaceDirectory(target, d -> Files.writeString(d.resolve("state.json"), "1"));
    AtomicFiles.replaceDirectory(target, d -> {
      Files.writeString(d.resolve("state.json"), "2");
      Files.writeString(d.resolve("model.bin"), "weights");
    });
    assertEquals("2", Files.readString(target.resolve("state.json")));
    assertEquals(List.of("checkpoint"), list(dir), "no DIR.tmp or DIR.old left");

    assertThrows(IOException.class, () -> AtomicFiles.replaceDirectory(target, d -> {
      Files.writeString(d.resolve("state.json"), "3");
      throw new IOException("disk full");
    }));
    assertEquals("2", Files.readString(target.resolve("state.json")));
    assertTrue(Files.isRegularFile(target.resolve("model.bin")), "the old directory is whole");
    AtomicFiles.replaceDirectory(target, d -> Files.writeString(d.resolve("state.json"), "4"));
    assertEquals(List.of("checkpoint"), list(dir), "the next call removes the failed write's leftover");
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anAbandonedWriteOfANewFileLeavesNothing() throws IOException {
    Path target = dir.resolve("new.bin");
    Path temp;
    try (AtomicFiles.Pending pending = AtomicFiles.begin(target)) {
      pending.stream().write(new byte[] {1, 2, 3});
      temp = pending.temp();
      assertTrue(Files.exists(temp));
      assertEquals(dir.toAbsolutePath(), temp.getParent(), "the temporary file is in the target's directory, so the rename is atomic");
    }
    assertFalse(Files.exists(temp));
    assertFalse(Files.exists(target));
  }
}
