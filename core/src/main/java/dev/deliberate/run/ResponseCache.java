package dev.deliberate.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.deliberate.Hashes;
import dev.deliberate.data.Json;
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
import java.util.Optional;

/**
 * Model replies stored in an SQLite database, so that no call is paid for twice. The key is the hash of the model
 * id, the canonical request (seed included) and the sample index. The database runs in WAL mode with a busy
 * timeout: several processes may share one cache file, and a crash at any moment leaves every committed reply
 * readable and nothing half-written. Within a process one connection is shared and calls are serialised (each is
 * a single short statement).
 */
public final class ResponseCache implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;

  private final Path file;
  private final Connection connection;
  private final PreparedStatement select;
  private final PreparedStatement insert;

  private ResponseCache(Path file, Connection connection) throws SQLException {
    this.file = file;
    this.connection = connection;
    this.select = connection.prepareStatement("SELECT response FROM responses WHERE key = ?");
    this.insert = connection.prepareStatement(
        "INSERT OR IGNORE INTO responses(key, model, request, sample, response, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  }

  /** Opens (creating when missing) the cache database at {@code file}. */
  public static ResponseCache open(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout = 30000");
        s.execute("PRAGMA journal_mode = WAL");
        // NORMAL in WAL mode: a committed reply survives a process crash; only a power cut may lose the last few.
        s.execute("PRAGMA synchronous = NORMAL");
        s.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT NOT NULL, "
            + "request TEXT NOT NULL, sample INTEGER NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
        s.execute("INSERT OR IGNORE INTO meta(name, value) VALUES ('schema_version', '" + SCHEMA_VERSION + "')");
        try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = 'schema_version'")) {
          String version = rs.next() ? rs.getString(1) : "";
          if (!String.valueOf(SCHEMA_VERSION).equals(version)) {
            c.close();
            throw new dev.deliberate.BadInputException(file + ": response cache schema version " + version
                + "; this deliberate reads version " + SCHEMA_VERSION);
          }
        }
      }
      return new ResponseCache(file, c);
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the response cache " + file + ": " + e.getMessage(), e);
    }
  }

  /** The canonical form of a request: its JSON with fields in a fixed order. */
  public static String canonical(ChatRequest request) {
    return Json.line(request);
  }

  /** The cache key of one sample of a request to a model. */
  public static String key(String modelId, ChatRequest request, int sampleIndex) {
    return Hashes.sha256Hex(modelId + "\n" + sampleIndex + "\n" + canonical(request));
  }

  public synchronized Optional<ChatResponse> get(String key) {
    try {
      select.setString(1, key);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(Json.mapper().readValue(rs.getString(1), ChatResponse.class));
      }
    } catch (SQLException | JsonProcessingException e) {
      throw new IllegalStateException("cannot read the response cache " + file + ": " + e.getMessage(), e);
    }
  }

  /** Stores a reply; when the key is already there (another writer was first) the stored reply is kept. */
  public synchronized void put(String key, String modelId, ChatRequest request, int sampleIndex, ChatResponse response) {
    try {
      insert.setString(1, key);
      insert.setString(2, modelId);
      insert.setString(3, canonical(request));
      insert.setInt(4, sampleIndex);
      insert.setString(5, Json.line(response));
      insert.setLong(6, System.currentTimeMillis());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write the response cache " + file + ": " + e.getMessage(), e);
    }
  }

  public synchronized long size() {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM responses")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the response cache " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      select.close();
      insert.close();
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the response cache " + file + ": " + e.getMessage(), e);
    }
  }
}
