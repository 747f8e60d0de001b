package io.rebound.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The append-only audit trail. Every row carries the hash of the row before it (across all runs), so a
 * changed, removed or inserted row breaks the chain that {@link #verify()} walks.
 *
 * <p>Rows are written in their own transaction: they record what was done to a target, which stays done
 * even when the engine transaction around the step rolls back.
 */
@Component
// Its tables come from the migrations in db/migration.
@DependsOnDatabaseInitialization
public class AuditTrail {

  static final String GENESIS = "0".repeat(64);

  private static final RowMapper<AuditEvent> ROW = (rs, n) -> new AuditEvent(
      rs.getLong("id"), rs.getString("process_instance_id"), rs.getString("event_type"), rs.getString("step"),
      rs.getString("actor"), rs.getTimestamp("occurred_at").toInstant().truncatedTo(ChronoUnit.MILLIS).toString(),
      rs.getString("outcome"), rs.getString("details"), rs.getString("previous_hash"), rs.getString("hash"));

  private final JdbcTemplate jdbc;
  private final TransactionTemplate ownTransaction;
  private final Redactor redactor;
  private final ObjectMapper json;

  public AuditTrail(DataSource dataSource, PlatformTransactionManager transactions, Redactor redactor, ObjectMapper json) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.redactor = redactor;
    this.json = json;
  }

  /** Appends one event; secrets in any of its fields are redacted first. */
  public AuditEvent record(String processInstanceId, AuditEventType type, String step, String actor, String outcome, Map<String, ?> details) {
    String detailsJson;
    try {
      detailsJson = details == null || details.isEmpty() ? "{}" : json.writeValueAsString(details);
    } catch (JsonProcessingException e) {
      detailsJson = "{\"unserialisable\": true}";
    }
    String safeDetails = redactor.redact(detailsJson);
    String safeOutcome = truncate(redactor.redact(outcome), 4000);
    String safeStep = redactor.redact(step);
    String safeActor = actor == null ? "rebound" : actor;
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return ownTransaction.execute(status -> {
      // The head row serialises writers across nodes, so the chain never forks.
      Map<String, Object> head = jdbc.queryForMap("SELECT last_id, last_hash FROM rebound_audit_head WHERE id = 1 FOR UPDATE");
      long id = ((Number) head.get("last_id")).longValue() + 1;
      String previous = (String) head.get("last_hash");
      String hash = hash(previous, id, processInstanceId, type.name(), safeStep, safeActor, at.toString(), safeOutcome, safeDetails);
      jdbc.update("INSERT INTO rebound_audit (id, process_instance_id, event_type, step, actor, occurred_at, outcome, details, previous_hash, hash)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          id, processInstanceId, type.name(), safeStep, safeActor, Timestamp.from(at), safeOutcome, safeDetails, previous, hash);
      jdbc.update("UPDATE rebound_audit_head SET last_id = ?, last_hash = ? WHERE id = 1", id, hash);
      return new AuditEvent(id, processInstanceId, type.name(), safeStep, safeActor, at.toString(), safeOutcome, safeDetails, previous, hash);
    });
  }

  /** The events of one run, oldest first. */
  public List<AuditEvent> events(String processInstanceId) {
    return jdbc.query("SELECT * FROM rebound_audit WHERE process_instance_id = ? ORDER BY id", ROW, processInstanceId);
  }

  /** The newest event of a type in a run. */
  public Optional<AuditEvent> latest(String processInstanceId, AuditEventType type) {
    return jdbc.query("SELECT * FROM rebound_audit WHERE process_instance_id = ? AND event_type = ? ORDER BY id DESC", ROW,
        processInstanceId, type.name()).stream().findFirst();
  }

  /** The result of walking the whole chain. */
  public record Verification(boolean intact, long rows, Long firstBrokenId, String problem) {}

  /** Recomputes every hash in order; the first row that does not fit is reported. */
  public Verification verify() {
    List<AuditEvent> all = jdbc.query("SELECT * FROM rebound_audit ORDER BY id", ROW);
    String previous = GENESIS;
    long expectedId = all.isEmpty() ? 0 : all.get(0).id();
    for (AuditEvent event : all) {
      if (event.id() != expectedId) {
        return new Verification(false, all.size(), event.id(), "row " + expectedId + " is missing");
      }
      if (!event.previousHash().equals(previous)) {
        return new Verification(false, all.size(), event.id(), "previous hash does not match the row before");
      }
      String recomputed = hash(previous, event.id(), event.processInstanceId(), event.type(), event.step(), event.actor(), event.at(),
          event.outcome(), event.details());
      if (!recomputed.equals(event.hash())) {
        return new Verification(false, all.size(), event.id(), "row content does not match its hash");
      }
      previous = event.hash();
      expectedId++;
    }
    String head = jdbc.queryForObject("SELECT last_hash FROM rebound_audit_head WHERE id = 1", String.class);
    if (!all.isEmpty() && !previous.equals(head)) {
      return new Verification(false, all.size(), null, "rows after id " + (expectedId - 1) + " were removed");
    }
    return new Verification(true, all.size(), null, null);
  }

  static String hash(String previous, long id, String processInstanceId, String type, String step, String actor, String at,
      String outcome, String details) {
    StringBuilder text = new StringBuilder();
    for (Object field : new Object[] {previous, id, processInstanceId, type, step, actor, at, outcome, details}) {
      String value = field == null ? "" : field.toString();
      // Length-prefixed, so moving text from one field to the next changes the hash.
      text.append(value.length()).append(':').append(value).append('|');
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String truncate(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max - 1) + "…";
  }
}
