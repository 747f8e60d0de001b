package io.rebound.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rebound's own tables as the version before migrations and keyed hashing created and wrote them: its DDL
 * (run by the constructors of AuditTrail and ComparisonStore) and its unkeyed chain, copied as they were,
 * to build the engine database of an installation that upgrades.
 */
final class OlderRebound {

  static final String GENESIS = "0".repeat(64);

  private final JdbcTemplate jdbc;

  OlderRebound(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  void createTables() {
    jdbc.execute("CREATE TABLE IF NOT EXISTS rebound_audit ("
        + " id BIGINT PRIMARY KEY,"
        + " process_instance_id VARCHAR(64),"
        + " event_type VARCHAR(32) NOT NULL,"
        + " step VARCHAR(255),"
        + " actor VARCHAR(255),"
        + " occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,"
        + " outcome VARCHAR(4000),"
        + " details TEXT,"
        + " previous_hash VARCHAR(64) NOT NULL,"
        + " hash VARCHAR(64) NOT NULL)");
    jdbc.execute("CREATE INDEX IF NOT EXISTS rebound_audit_process ON rebound_audit (process_instance_id, id)");
    jdbc.execute("CREATE TABLE IF NOT EXISTS rebound_audit_head (id INT PRIMARY KEY, last_id BIGINT NOT NULL, last_hash VARCHAR(64) NOT NULL)");
    jdbc.update("INSERT INTO rebound_audit_head (id, last_id, last_hash) SELECT 1, 0, ? WHERE NOT EXISTS (SELECT 1 FROM rebound_audit_head)", GENESIS);
    jdbc.execute("CREATE TABLE IF NOT EXISTS rebound_comparison ("
        + " id VARCHAR(64) PRIMARY KEY, source VARCHAR(255) NOT NULL, destination VARCHAR(255) NOT NULL,"
        + " chunk_size INT NOT NULL, parallelism INT NOT NULL, max_differences INT NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
    jdbc.execute("CREATE TABLE IF NOT EXISTS rebound_comparison_table ("
        + " comparison_id VARCHAR(64) NOT NULL, name VARCHAR(300) NOT NULL, run_id VARCHAR(64) NOT NULL, spec TEXT NOT NULL, status VARCHAR(16) NOT NULL,"
        + " chunks_total INT NOT NULL, chunks_done INT NOT NULL, ranges TEXT, result TEXT, error VARCHAR(4000), attempts BIGINT NOT NULL,"
        + " started_at TIMESTAMP WITH TIME ZONE, updated_at TIMESTAMP WITH TIME ZONE, finished_at TIMESTAMP WITH TIME ZONE,"
        + " PRIMARY KEY (comparison_id, name))");
  }

  /** Appends a row as that version did (the details already as JSON). */
  void record(String processInstanceId, String type, String step, String actor, String outcome, String details, Instant at) {
    Map<String, Object> head = jdbc.queryForMap("SELECT last_id, last_hash FROM rebound_audit_head WHERE id = 1 FOR UPDATE");
    long id = ((Number) head.get("last_id")).longValue() + 1;
    String previous = (String) head.get("last_hash");
    String hash = hash(previous, id, processInstanceId, type, step, actor, at.toString(), outcome, details);
    jdbc.update("INSERT INTO rebound_audit (id, process_instance_id, event_type, step, actor, occurred_at, outcome, details, previous_hash, hash)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id, processInstanceId, type, step, actor, Timestamp.from(at), outcome, details, previous, hash);
    jdbc.update("UPDATE rebound_audit_head SET last_id = ?, last_hash = ? WHERE id = 1", id, hash);
  }

  static String hash(String previous, long id, String processInstanceId, String type, String step, String actor, String at,
      String outcome, String details) {
    StringBuilder text = new StringBuilder();
    for (Object field : new Object[] {previous, id, processInstanceId, type, step, actor, at, outcome, details}) {
      String value = field == null ? "" : field.toString();
      text.append(value.length()).append(':').append(value).append('|');
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
