package dev.deliberate.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.deliberate.Hashes;
import dev.deliberate.io.Json;
import dev.deliberate.model.ChatRequest;
import dev.deliberate.model.ChatResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Model replies stored in an SQLite database, so that no call is paid for twice. The key is the hash of the model
 * id, the canonical request (seed included) and the sample index.
 *
 * <p>The database runs in WAL mode with a busy timeout: several processes may share one cache file, and a crash at
 * any moment leaves every committed reply readable and nothing half-written. {@link #put} returns once its reply is
 * committed. Within a process, puts from many threads are committed together by one writer thread (one
 * transaction per batch rather than per reply: a commit costs far more than an insert), and reads use their own
 * connections (a few, taken in turn), which WAL lets run beside the writer.
 */
public final class ResponseCache implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;
  private static final int MAX_BATCH = 512;

  private final Path file;
  private final BlockingQueue<Reader> readers = new LinkedBlockingQueue<>();
  private final Connection writer;
  private final PreparedStatement insert;
  private final PreparedStatement delete;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writerThread;
  private volatile boolean closed;

  /** A read connection with its prepared lookup; several let lookups run side by side. */
  private record Reader(Connection connection, PreparedStatement select) {}

  private static final int READERS = 4;

  /** A reply to store, or (response null) a key to drop. */
  private record Pending(String key, String model, String request, int sample, String response, CompletableFuture<Void> committed) {}

  private static final Pending STOP = new Pending(null, null, null, 0, null, null);

  private ResponseCache(Path file, Connection writer) throws SQLException {
    this.file = file;
    this.writer = writer;
    for (int i = 0; i < READERS; i++) {
      Connection c = connect(file);
      Reader r = new Reader(c, c.prepareStatement("SELECT response FROM responses WHERE key = ?"));
      readers.add(r);
    }
    this.insert = writer.prepareStatement(
        "INSERT OR IGNORE INTO responses(key, model, request, sample, response, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    this.delete = writer.prepareStatement("DELETE FROM responses WHERE key = ?");
    writer.setAutoCommit(false);
    this.writerThread = new Thread(this::writeLoop, "response-cache-writer");
    writerThread.setDaemon(true);
    writerThread.start();
  }

  /** Opens (creating when missing) the cache database at {@code file}. */
  public static ResponseCache open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Connection writer = connect(file);
      try (Statement s = writer.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT NOT NULL, "
            + "request TEXT NOT NULL, sample INTEGER NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
        s.execute("INSERT OR IGNORE INTO meta(name, value) VALUES ('schema_version', '" + SCHEMA_VERSION + "')");
        try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = 'schema_version'")) {
          String version = rs.next() ? rs.getString(1) : "";
          if (!String.valueOf(SCHEMA_VERSION).equals(version)) {
            writer.close();
            throw new dev.deliberate.BadInputException(file + ": response cache schema version " + version
                + "; this deliberate reads version " + SCHEMA_VERSION);
          }
        }
      }
      return new ResponseCache(file, writer);
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the response cache " + file + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(Path file) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 30000");
      // NORMAL in WAL mode: a committed reply survives a process crash; only a power cut may lose the last few.
      s.execute("PRAGMA synchronous = NORMAL");
    }
    return c;
  }

  /** The canonical form of a request: its JSON with fields in a fixed order. */
  public static String canonical(ChatRequest request) {
    return Json.line(request);
  }

  /** The cache key of one sample of a request to a model. */
  public static String key(String modelId, ChatRequest request, int sampleIndex) {
    return Hashes.sha256Hex(modelId + "\n" + sampleIndex + "\n" + canonical(request));
  }

  public Optional<ChatResponse> get(String key) {
    String text;
    Reader r = takeReader();
    try {
      r.select().setString(1, key);
      try (ResultSet rs = r.select().executeQuery()) {
        text = rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the response cache " + file + ": " + e.getMessage(), e);
    } finally {
      readers.add(r);
    }
    try {
      return text == null ? Optional.empty() : Optional.of(Json.mapper().readValue(text, ChatResponse.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the response cache " + file + " holds an unreadable reply: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Stores a reply and returns once it is committed; when the key is already there (another writer was first) the
   * stored reply is kept.
   */
  public void put(String key, String modelId, ChatRequest request, int sampleIndex, ChatResponse response) {
    enqueue(new Pending(key, modelId, canonical(request), sampleIndex, Json.line(response), new CompletableFuture<>()));
  }

  /**
   * Drops the reply stored under {@code key} (one its caller could not use) and returns once that is committed;
   * a missing key is no error.
   */
  public void remove(String key) {
    enqueue(new Pending(key, null, null, 0, null, new CompletableFuture<>()));
  }

  private void enqueue(Pending pending) {
    if (closed) {
      throw new IllegalStateException("the response cache " + file + " is closed");
    }
    CompletableFuture<Void> committed = pending.committed();
    queue.add(pending);
    try {
      committed.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the response cache", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write the response cache " + file + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      boolean stop = batch.remove(STOP);
      if (!batch.isEmpty()) {
        commit(batch);
      }
      batch.clear();
      if (stop) {
        return;
      }
    }
  }

  private void commit(List<Pending> batch) {
    try {
      for (Pending p : batch) {
        if (p.response() == null) {
          // In queue order: the inserts before it first, so that a reply stored and then dropped stays dropped.
          insert.executeBatch();
          delete.setString(1, p.key());
          delete.executeUpdate();
          continue;
        }
        insert.setString(1, p.key());
        insert.setString(2, p.model());
        insert.setString(3, p.request());
        insert.setInt(4, p.sample());
        insert.setString(5, p.response());
        insert.setLong(6, System.currentTimeMillis());
        insert.addBatch();
      }
      insert.executeBatch();
      writer.commit();
      batch.forEach(p -> p.committed().complete(null));
    } catch (SQLException e) {
      try {
        writer.rollback();
      } catch (SQLException ignored) {
        // The failure reported below is the one that matters.
      }
      batch.forEach(p -> p.committed().completeExceptionally(e));
    }
  }

  public long size() {
    Reader r = takeReader();
    try (Statement s = r.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM responses")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the response cache " + file + ": " + e.getMessage(), e);
    } finally {
      readers.add(r);
    }
  }

  private Reader takeReader() {
    if (closed) {
      throw new IllegalStateException("the response cache " + file + " is closed");
    }
    try {
      return readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the response cache", e);
    }
  }

  /** Commits what is queued, then closes the database. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      writerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      for (int i = 0; i < READERS; i++) {
        Reader r = readers.take(); // waits for lookups in progress
        r.select().close();
        r.connection().close();
      }
      insert.close();
      delete.close();
      writer.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the response cache " + file + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
