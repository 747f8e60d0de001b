package io.rebound.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The append-only audit trail. Every row carries an HMAC, under a key kept out of the engine database, over
 * the hash of the row before it (across all runs) and its own fields, so a changed, removed or inserted row
 * breaks the chain that {@link #verify()} walks, and whoever can write the database cannot mend it. The
 * chain's head is anchored outside the database ({@link AuditAnchor}) with every row appended, so rows
 * removed from its end, or the whole trail emptied, are noticed too.
 *
 * <p>Rows are written in their own transaction: they record what was done to a target, which stays done
 * even when the engine transaction around the step rolls back. A row is recorded only together with its
 * anchor: if the anchor cannot be written, recording fails (and the step with it).
 *
 * <p>Rows written before the chain was keyed keep their plain SHA-256 ({@link ChainHash#LEGACY}). The first
 * start with a key anchors them as they stand, and the first keyed row's HMAC covers the last of them, so
 * they are verified as before up to the row where the keyed chain begins, which the anchor records.
 */
@Component
@DependsOnDatabaseInitialization
public class AuditTrail {

  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

  private static final RowMapper<AuditEvent> ROW = (rs, n) -> new AuditEvent(
      rs.getLong("id"), rs.getString("process_instance_id"), rs.getString("event_type"), rs.getString("step"),
      rs.getString("actor"), rs.getTimestamp("occurred_at").toInstant().truncatedTo(ChronoUnit.MILLIS).toString(),
      rs.getString("outcome"), rs.getString("details"), rs.getString("previous_hash"), rs.getString("hash"));
  private static final RowMapper<StoredRow> STORED_ROW = (rs, n) -> new StoredRow(ROW.mapRow(rs, n), rs.getString("hash_algorithm"));

  private final JdbcTemplate jdbc;
  private final TransactionTemplate ownTransaction;
  private final TransactionTemplate callersTransaction;
  private final Redactor redactor;
  private final ObjectMapper json;
  private final AuditKey key;
  private final AuditAnchor anchor;

  public AuditTrail(DataSource dataSource, PlatformTransactionManager transactions, Redactor redactor, ObjectMapper json, AuditKey key,
      AuditAnchor anchor) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.callersTransaction = new TransactionTemplate(transactions);
    this.callersTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
    this.redactor = redactor;
    this.json = json;
    this.key = key;
    this.anchor = anchor;
    anchorRowsWrittenBeforeTheKey();
  }

  /**
   * Appends one event in a transaction of its own, so that it stays even when the work around it rolls back:
   * what a step did to a target stays done. Secrets in any of its fields are redacted first.
   */
  public AuditEvent record(String processInstanceId, AuditEventType type, String step, String actor, String outcome, Map<String, ?> details) {
    // A thread whose transaction already holds the head (see recordWithRun) would wait on itself.
    TransactionTemplate transaction = TransactionSynchronizationManager.hasResource(HEAD_HELD) ? callersTransaction : ownTransaction;
    return append(transaction, processInstanceId, type, step, actor, outcome, details);
  }

  /** How long the same user's same refusal in a run is not written again. */
  static final Duration REPEATED_REFUSAL = Duration.ofMinutes(10);

  /**
   * Records a refused approval ({@link AuditEventType#APPROVAL_REFUSED}) as {@link #record} does, unless the run's
   * newest refusal is the same user's same refusal, written less than {@link #REPEATED_REFUSAL} ago: a requester who
   * tries their own approval in a loop would otherwise fill the trail with one event per try. The first of a series
   * stays, and so does every other refusal or user. Returns whether the event was written.
   */
  public boolean recordRefusal(String processInstanceId, String step, String actor, String outcome, Map<String, ?> details) {
    String safeActor = actor == null ? "rebound" : actor;
    String safeOutcome = truncate(redactor.redact(outcome), 4000);
    Instant since = Instant.now().minus(REPEATED_REFUSAL);
    boolean repeated = latest(processInstanceId, AuditEventType.APPROVAL_REFUSED)
        .filter(last -> last.actor().equals(safeActor) && last.outcome().equals(safeOutcome))
        .filter(last -> Instant.parse(last.at()).isAfter(since))
        .isPresent();
    if (repeated) {
      return false;
    }
    record(processInstanceId, AuditEventType.APPROVAL_REFUSED, step, actor, outcome, details);
    return true;
  }

  /**
   * Appends one event in the caller's transaction (the engine's), so that it is in the trail if and only if
   * what it records took effect: a decision, a request, the end of a run. Two approvers deciding at once, or
   * an approval racing its timeout, leave one decision in the trail, the one the engine kept.
   */
  public AuditEvent recordWithRun(String processInstanceId, AuditEventType type, String step, String actor, String outcome,
      Map<String, ?> details) {
    AuditEvent event = append(callersTransaction, processInstanceId, type, step, actor, outcome, details);
    if (TransactionSynchronizationManager.isSynchronizationActive() && !TransactionSynchronizationManager.hasResource(HEAD_HELD)) {
      TransactionSynchronizationManager.bindResource(HEAD_HELD, Boolean.TRUE);
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCompletion(int status) {
          TransactionSynchronizationManager.unbindResourceIfPossible(HEAD_HELD);
        }
      });
    }
    return event;
  }

  /** Bound while the current thread's transaction holds the head row, until that transaction ends. */
  private static final Object HEAD_HELD = new Object();

  private AuditEvent append(TransactionTemplate transaction, String processInstanceId, AuditEventType type, String step, String actor,
      String outcome, Map<String, ?> details) {
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
    return transaction.execute(status -> {
      // The head row serialises writers across nodes, so the chain never forks and the anchor never goes back.
      Head head = lockHead();
      long id = head.lastId() + 1;
      String hash = ChainHash.keyed(key, head.lastHash(), id, processInstanceId, type.name(), safeStep, safeActor, at.toString(), safeOutcome,
          safeDetails);
      jdbc.update("INSERT INTO rebound_audit (id, process_instance_id, event_type, step, actor, occurred_at, outcome, details, previous_hash,"
              + " hash, hash_algorithm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          id, processInstanceId, type.name(), safeStep, safeActor, Timestamp.from(at), safeOutcome, safeDetails, head.lastHash(), hash,
          ChainHash.KEYED);
      jdbc.update("UPDATE rebound_audit_head SET last_id = ?, last_hash = ? WHERE id = 1", id, hash);
      moveAnchor(head, id, hash);
      return new AuditEvent(id, processInstanceId, type.name(), safeStep, safeActor, at.toString(), safeOutcome, safeDetails, head.lastHash(), hash);
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

  /** The newest event of a type that belongs to no run (identity changes), about {@code step}. */
  public Optional<AuditEvent> latestOutsideRuns(AuditEventType type, String step) {
    return outsideRuns(type, step).stream().findFirst();
  }

  /** The events of a type that belong to no run (identity changes), about {@code step}, newest first. */
  public List<AuditEvent> outsideRuns(AuditEventType type, String step) {
    // Looked up as it was written: redacted (a user's name may hold a configured secret).
    return jdbc.query("SELECT * FROM rebound_audit WHERE event_type = ? AND step = ? AND process_instance_id IS NULL ORDER BY id DESC", ROW,
        type.name(), redactor.redact(step));
  }

  /**
   * The result of walking the whole chain and comparing its end with the anchor.
   *
   * @param rows the rows the trail holds
   * @param firstBrokenId the first row that is missing or does not fit, where one can be named
   * @param problem what is wrong, for an operator; null when intact
   * @param anchor what the anchor says about the trail
   * @param keyedFrom the first row whose hash is keyed; rows before it were written before the chain was keyed
   */
  public record Verification(boolean intact, long rows, Long firstBrokenId, String problem, AnchorCheck anchor, Long keyedFrom) {}

  /** What comparing the trail with its anchor found. */
  public enum AnchorCheck {
    /** Nothing recorded yet, so nothing anchored. */
    NONE,
    /** The trail ends at the row the anchor holds, with as many rows. */
    MATCHES,
    /** The anchor is valid, but the trail does not end where it says (rows removed, the trail emptied, rows
     * written around Rebound), or a writer found so when it moved the anchor on. */
    DOES_NOT_MATCH,
    /** There is no anchor although rows exist: the end of the trail cannot be checked. Not in itself tampering
     * with the trail: the anchor's storage was lost or is not shared with this node. */
    MISSING,
    /** The anchor's storage cannot be read (permissions, an unmounted share): the end of the trail cannot be checked. */
    UNREADABLE,
    /** The anchor's MAC does not match its content: it was altered. */
    FORGED,
    /** The anchor was sealed with another key: the configured audit key has changed (or the anchor was replaced). */
    KEY_CHANGED
  }

  /** Recomputes every hash in order and compares the end of the trail with its anchor; the first thing that does not fit is reported. */
  public Verification verify() {
    Snapshot snapshot = snapshot();
    List<StoredRow> rows = jdbc.query("SELECT * FROM rebound_audit ORDER BY id", STORED_ROW);
    AnchoredHead anchored = snapshot.reading().head();
    Finding chain = walk(rows, anchored == null ? null : anchored.keyedFrom());
    Finding end = compareWithAnchor(snapshot);
    Long keyedFrom = anchored != null ? Long.valueOf(anchored.keyedFrom())
        : rows.stream().filter(row -> ChainHash.KEYED.equals(row.algorithm())).map(row -> row.event().id()).findFirst().orElse(null);
    // A changed key breaks every keyed row: saying so explains them all at once.
    String problem = end.check() == AnchorCheck.KEY_CHANGED || chain.problem() == null ? end.problem() : chain.problem();
    Long firstBrokenId = chain.firstBrokenId() != null ? chain.firstBrokenId() : end.firstBrokenId();
    return new Verification(problem == null, rows.size(), firstBrokenId, problem, end.check(), keyedFrom);
  }

  private record StoredRow(AuditEvent event, String algorithm) {}

  private record Head(long lastId, String lastHash) {}

  private record Snapshot(AnchoredHead.Reading reading, long rows, long lastId, String hashAtAnchor) {}

  private record Finding(AnchorCheck check, Long firstBrokenId, String problem) {}

  private Head lockHead() {
    return jdbc.query("SELECT last_id, last_hash FROM rebound_audit_head WHERE id = 1 FOR UPDATE",
            (rs, n) -> new Head(rs.getLong("last_id"), rs.getString("last_hash")))
        .stream().findFirst().orElseThrow(() -> new IllegalStateException(
            "the audit trail's head row (rebound_audit_head) is missing: it was removed from the engine database"));
  }

  private Finding walk(List<StoredRow> rows, Long anchoredKeyedFrom) {
    String previous = ChainHash.GENESIS;
    long expectedId = 1;
    Long keyedFrom = anchoredKeyedFrom;
    for (StoredRow row : rows) {
      AuditEvent event = row.event();
      if (event.id() != expectedId) {
        return new Finding(null, event.id(), "row " + expectedId + " is missing");
      }
      if (!event.previousHash().equals(previous)) {
        return new Finding(null, event.id(), "previous hash does not match the row before");
      }
      if (keyedFrom == null && ChainHash.KEYED.equals(row.algorithm())) {
        keyedFrom = event.id();
      }
      String expectedAlgorithm = keyedFrom != null && event.id() >= keyedFrom ? ChainHash.KEYED : ChainHash.LEGACY;
      if (!expectedAlgorithm.equals(row.algorithm())) {
        return new Finding(null, event.id(), "row " + event.id() + " is hashed with " + row.algorithm() + " where " + expectedAlgorithm
            + " belongs" + (keyedFrom == null ? "" : " (the keyed chain begins at row " + keyedFrom + ")"));
      }
      String recomputed = ChainHash.of(row.algorithm(), key, previous, event.id(), event.processInstanceId(), event.type(), event.step(),
          event.actor(), event.at(), event.outcome(), event.details());
      if (!recomputed.equals(event.hash())) {
        return new Finding(null, event.id(), "row content does not match its hash");
      }
      previous = event.hash();
      expectedId++;
    }
    return new Finding(null, null, null);
  }

  private Finding compareWithAnchor(Snapshot snapshot) {
    AnchoredHead.Reading reading = snapshot.reading();
    String where = "the anchor " + anchor.location();
    switch (reading.state()) {
      case MISSING -> {
        return snapshot.rows() == 0 ? new Finding(AnchorCheck.NONE, null, null)
            : new Finding(AnchorCheck.MISSING, null, where + " is missing: the " + snapshot.rows() + " rows cannot be checked against"
                + " the head kept outside the engine database, so rows removed from the end of the trail would go unnoticed");
      }
      case UNREADABLE -> {
        return new Finding(AnchorCheck.UNREADABLE, null, reading.reason());
      }
      case FORGED -> {
        return new Finding(AnchorCheck.FORGED, null, where + " is not valid: " + reading.reason());
      }
      case KEY_CHANGED -> {
        return new Finding(AnchorCheck.KEY_CHANGED, null, where + " is not valid: " + reading.reason());
      }
      default -> {
        // valid: compared below
      }
    }
    AnchoredHead head = reading.head();
    if (head.discrepancy() != null) {
      return new Finding(AnchorCheck.DOES_NOT_MATCH, null, head.discrepancy());
    }
    if (snapshot.rows() == 0) {
      return new Finding(AnchorCheck.DOES_NOT_MATCH, 1L, "the trail is empty, but the anchor says it held " + head.rows() + " rows up to row "
          + head.lastId());
    }
    if (snapshot.lastId() < head.lastId()) {
      return new Finding(AnchorCheck.DOES_NOT_MATCH, snapshot.lastId() + 1, "rows after row " + snapshot.lastId()
          + " were removed: the anchor says the trail goes up to row " + head.lastId());
    }
    if (snapshot.lastId() > head.lastId()) {
      return new Finding(AnchorCheck.DOES_NOT_MATCH, head.lastId() + 1, "rows " + (head.lastId() + 1) + " to " + snapshot.lastId()
          + " were written without moving the anchor on, around Rebound");
    }
    if (!head.lastHash().equals(snapshot.hashAtAnchor())) {
      return new Finding(AnchorCheck.DOES_NOT_MATCH, head.lastId(), "row " + head.lastId() + " does not carry the hash the anchor holds for it");
    }
    if (snapshot.rows() != head.rows()) {
      return new Finding(AnchorCheck.DOES_NOT_MATCH, null, "the trail holds " + snapshot.rows() + " rows, the anchor says " + head.rows());
    }
    return new Finding(AnchorCheck.MATCHES, null, null);
  }

  /**
   * The anchor and the end of the trail, seen at one point: appends write the anchor before they commit, and
   * waiting for the head row lets any append in flight finish first.
   */
  private Snapshot snapshot() {
    return ownTransaction.execute(status -> {
      jdbc.query("SELECT last_id FROM rebound_audit_head WHERE id = 1 FOR UPDATE", rs -> {});
      AnchoredHead.Reading reading;
      try {
        reading = AnchoredHead.open(anchor.read(), key);
      } catch (UncheckedIOException e) {
        reading = new AnchoredHead.Reading(AnchoredHead.State.UNREADABLE, null, e.getMessage() + ": " + e.getCause());
      }
      long rows = jdbc.queryForObject("SELECT COUNT(*) FROM rebound_audit", Long.class);
      long lastId = jdbc.queryForObject("SELECT COALESCE(MAX(id), 0) FROM rebound_audit", Long.class);
      String hashAtAnchor = reading.head() == null ? null
          : jdbc.queryForList("SELECT hash FROM rebound_audit WHERE id = ?", String.class, reading.head().lastId()).stream().findFirst().orElse(null);
      return new Snapshot(reading, rows, lastId, hashAtAnchor);
    });
  }

  /**
   * Moves the anchor on to the row just appended. If the anchor did not hold the row this one follows, the
   * trail was changed behind Rebound's back (or an append's commit was lost after its anchor was written):
   * that goes into this anchor and every later one, where verification reports it.
   */
  private void moveAnchor(Head before, long id, String hash) {
    Optional<String> storedText = anchor.read();
    AnchoredHead.Reading stored = AnchoredHead.open(storedText, key);
    AnchoredHead previous = stored.head();
    boolean continues = previous != null && previous.lastId() == before.lastId() && previous.lastHash().equals(before.lastHash());
    String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    String discrepancy;
    if (previous != null) {
      discrepancy = previous.discrepancy() != null || continues ? previous.discrepancy()
          : "row " + id + " was appended after row " + before.lastId() + " at " + now + ", but the anchor then held row " + previous.lastId()
              + " (hash " + previous.lastHash() + "): rows had been removed or rewritten";
    } else if (stored.state() == AnchoredHead.State.MISSING) {
      if (before.lastId() > 0) {
        LOG.warn("The audit anchor {} was missing when row {} was appended: it is written again from the trail as it stands",
            anchor.location(), id);
      }
      discrepancy = null;
    } else {
      discrepancy = "row " + id + " was appended at " + now + " over an anchor that was not valid: " + stored.reason();
    }
    long rows = continues ? previous.rows() + 1 : jdbc.queryForObject("SELECT COUNT(*) FROM rebound_audit", Long.class);
    long keyedFrom = previous != null ? previous.keyedFrom()
        : jdbc.queryForObject("SELECT MIN(id) FROM rebound_audit WHERE hash_algorithm = ?", Long.class, ChainHash.KEYED);
    String written = new AnchoredHead(key.id(), id, hash, rows, keyedFrom, discrepancy, now).seal(key);
    anchor.write(written);
    storedText.ifPresent(text -> TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCompletion(int status) {
        if (status != STATUS_COMMITTED) {
          putAnchorBack(id, hash, written, text);
        }
      }
    }));
  }

  /**
   * The row's transaction did not commit (or may not have: a connection lost while committing), but its
   * anchor was written: unless the row is there after all, or another row has moved the anchor on since,
   * the anchor goes back to what it held, so that it does not claim a row the trail never had.
   */
  private void putAnchorBack(long id, String hash, String written, String before) {
    try {
      ownTransaction.executeWithoutResult(status -> {
        lockHead();
        boolean recorded = !jdbc.queryForList("SELECT hash FROM rebound_audit WHERE id = ? AND hash = ?", String.class, id, hash).isEmpty();
        if (!recorded && anchor.read().filter(written::equals).isPresent()) {
          anchor.write(before);
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("Row {} of the audit trail was not recorded, and its anchor in {} could not be put back ({}): verification will report"
          + " the trail as not matching its anchor", id, anchor.location(), e.toString());
    }
  }

  /**
   * On the first start with a key, the rows written before the chain was keyed are anchored as they stand,
   * so that from then on one of them changed or removed is noticed even before the next row is appended.
   */
  private void anchorRowsWrittenBeforeTheKey() {
    ownTransaction.executeWithoutResult(status -> {
      jdbc.query("SELECT last_id FROM rebound_audit_head WHERE id = 1 FOR UPDATE", rs -> {});
      long rows = jdbc.queryForObject("SELECT COUNT(*) FROM rebound_audit", Long.class);
      if (rows == 0 || anchor.read().isPresent()) {
        return;
      }
      long keyed = jdbc.queryForObject("SELECT COUNT(*) FROM rebound_audit WHERE hash_algorithm <> ?", Long.class, ChainHash.LEGACY);
      if (keyed > 0) {
        LOG.warn("The audit anchor {} is missing although the trail holds {} rows: verification reports it until the next row is appended",
            anchor.location(), rows);
        return;
      }
      Head last = jdbc.queryForObject("SELECT id, hash FROM rebound_audit WHERE id = (SELECT MAX(id) FROM rebound_audit)",
          (rs, n) -> new Head(rs.getLong("id"), rs.getString("hash")));
      anchor.write(new AnchoredHead(key.id(), last.lastId(), last.lastHash(), rows, last.lastId() + 1, null,
          Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()).seal(key));
      LOG.info("Anchored the {} audit rows written before the chain was keyed (up to row {}) in {}; keyed rows follow them",
          rows, last.lastId(), anchor.location());
    });
  }

  private static String truncate(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max - 1) + "…";
  }
}
