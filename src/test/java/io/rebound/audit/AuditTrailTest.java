package io.rebound.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditTrail.AnchorCheck;
import io.rebound.audit.AuditTrail.Verification;
import io.rebound.config.ReboundProperties;
import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

@ExtendWith(OutputCaptureExtension.class)
class AuditTrailTest {

  static final String KEY = "audit-key-for-tests-0123456789abcdef";

  @TempDir Path directory;
  private JdbcDataSource dataSource;
  private JdbcTemplate jdbc;
  private Redactor redactor;
  private AnchorFile anchor;
  private AuditTrail audit;

  @BeforeEach
  void createTrail() {
    dataSource = EngineDatabases.h2();
    EngineDatabases.migrate(dataSource);
    jdbc = new JdbcTemplate(dataSource);
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"), new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    targets.register("t", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", "Very-Secret-1", null, Path.of("/d"),
        null, null, null, null, null));
    redactor = new Redactor(targets, new AuditKey(KEY));
    anchor = new AnchorFile(directory.resolve("anchor.json"));
    audit = trail(KEY);
  }

  private AuditTrail trail(String key) {
    return new AuditTrail(dataSource, new DataSourceTransactionManager(dataSource), redactor, new ObjectMapper(), new AuditKey(key), anchor);
  }

  @Test
  void shouldWriteARefusalRepeatedWordForWordBySameUserOnlyOnceInItsWindow() {
    assertThat(audit.recordRefusal("run-1", "approval", "op", "four eyes: op requested this run", Map.of())).isTrue();
    assertThat(audit.recordRefusal("run-1", "approval", "op", "four eyes: op requested this run", Map.of("taskId", "t1"))).isFalse();
    assertThat(audit.recordRefusal("run-1", "approval", "op", "four eyes: op requested this run", Map.of())).isFalse();
    // Another reason, another user, another run, an unauthenticated try: each is written.
    assertThat(audit.recordRefusal("run-1", "approval", "op", "approved must be true or false", Map.of())).isTrue();
    assertThat(audit.recordRefusal("run-1", "approval", "op", "four eyes: op requested this run", Map.of()))
        .as("the newest refusal was another one").isTrue();
    assertThat(audit.recordRefusal("run-1", "approval", "appr", "four eyes: op requested this run", Map.of())).isTrue();
    assertThat(audit.recordRefusal("run-2", "approval", "appr", "four eyes: op requested this run", Map.of())).isTrue();
    assertThat(audit.recordRefusal("run-2", "approval", null, "an approval must be given by an authenticated user", Map.of())).isTrue();
    assertThat(audit.recordRefusal("run-2", "approval", null, "an approval must be given by an authenticated user", Map.of())).isFalse();
    // A secret in the refusal is compared as it was written: redacted.
    assertThat(audit.recordRefusal("run-3", "approval", "op", "bad Very-Secret-1", Map.of())).isTrue();
    assertThat(audit.recordRefusal("run-3", "approval", "op", "bad Very-Secret-1", Map.of())).isFalse();

    assertThat(audit.events("run-1")).extracting(AuditEvent::type).containsOnly("APPROVAL_REFUSED").hasSize(4);
    assertThat(audit.events("run-1")).extracting(AuditEvent::actor).containsExactly("op", "op", "op", "appr");

    // Once the window has passed, the same refusal is written again.
    jdbc.update("UPDATE rebound_audit SET occurred_at = ? WHERE process_instance_id = 'run-2'",
        java.sql.Timestamp.from(java.time.Instant.now().minus(AuditTrail.REPEATED_REFUSAL).minusSeconds(5)));
    assertThat(audit.recordRefusal("run-2", "approval", null, "an approval must be given by an authenticated user", Map.of())).isTrue();
    jdbc.update("UPDATE rebound_audit SET occurred_at = ? WHERE process_instance_id = 'run-3'",
        java.sql.Timestamp.from(java.time.Instant.now().minus(AuditTrail.REPEATED_REFUSAL).plusSeconds(30)));
    assertThat(audit.recordRefusal("run-3", "approval", "op", "bad Very-Secret-1", Map.of())).as("still inside the window").isFalse();
  }

  @Test
  void shouldChainEveryRowToTheOneBeforeAndAnchorTheHead() throws Exception {
    AuditEvent first = audit.record("run-1", AuditEventType.REQUESTED, "request", "op", "requested", Map.of("target", "t"));
    AuditEvent second = audit.record("run-2", AuditEventType.REQUESTED, "request", "op", "requested", Map.of());
    AuditEvent third = audit.record("run-1", AuditEventType.STEP_STARTED, "reset", null, null, Map.of());

    assertThat(first.previousHash()).isEqualTo(ChainHash.GENESIS);
    assertThat(second.previousHash()).isEqualTo(first.hash());
    assertThat(third.previousHash()).isEqualTo(second.hash());
    assertThat(third.actor()).isEqualTo("rebound");
    assertThat(audit.events("run-1")).extracting(AuditEvent::id).containsExactly(first.id(), third.id());
    assertThat(audit.events("run-1").get(0)).isEqualTo(first);
    assertThat(audit.latest("run-1", AuditEventType.STEP_STARTED)).contains(third);
    assertThat(audit.latest("run-2", AuditEventType.STEP_STARTED)).isEmpty();
    assertThat(jdbc.queryForList("SELECT DISTINCT hash_algorithm FROM rebound_audit", String.class)).containsExactly("HMAC-SHA256");
    assertThat(audit.verify()).isEqualTo(new Verification(true, 3, null, null, AnchorCheck.MATCHES, 1L));
    assertThat(anchored()).isEqualTo(new AnchoredHead(new AuditKey(KEY).id(), 3, third.hash(), 3, 1, null, anchored().writtenAt()));
    try (var files = Files.list(directory)) {
      assertThat(files).as("no temporary anchor left behind").containsExactly(directory.resolve("anchor.json"));
    }
  }

  @Test
  void shouldHashEachRowWithTheKeyNotJustItsContent() {
    AuditEvent keyed = audit.record("run", AuditEventType.REQUESTED, "request", "op", "requested", Map.of());

    assertThat(keyed.hash()).isEqualTo(ChainHash.keyed(new AuditKey(KEY), ChainHash.GENESIS, 1, "run", "REQUESTED", "request", "op",
        keyed.at(), "requested", "{}"));
    assertThat(keyed.hash()).isNotEqualTo(ChainHash.legacy(ChainHash.GENESIS, 1, "run", "REQUESTED", "request", "op", keyed.at(),
        "requested", "{}"));
  }

  @Test
  void shouldCallAnEmptyTrailWithoutAnchorIntact() {
    assertThat(audit.verify()).isEqualTo(new Verification(true, 0, null, null, AnchorCheck.NONE, null));
    assertThat(directory.resolve("anchor.json")).doesNotExist();
  }

  @Test
  void shouldDetectAChangedRow() {
    record(4);
    jdbc.update("UPDATE rebound_audit SET actor = 'mallory' WHERE id = 2");

    Verification verification = audit.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.firstBrokenId()).isEqualTo(2L);
    assertThat(verification.problem()).isEqualTo("row content does not match its hash");
    assertThat(verification.anchor()).as("the end of the trail is where the anchor says").isEqualTo(AnchorCheck.MATCHES);
  }

  @Test
  void shouldDetectADeletedRow() {
    record(4);
    jdbc.update("DELETE FROM rebound_audit WHERE id = 3");

    Verification verification = audit.verify();
    assertThat(verification.problem()).isEqualTo("row 3 is missing");
    assertThat(verification.firstBrokenId()).isEqualTo(4L);
    assertThat(verification.rows()).isEqualTo(3);
    assertThat(verification.anchor()).as("three rows where the anchor says four").isEqualTo(AnchorCheck.DOES_NOT_MATCH);
  }

  @Test
  void shouldDetectADeletedFirstRow() {
    record(3);
    jdbc.update("DELETE FROM rebound_audit WHERE id = 1");

    assertThat(audit.verify().problem()).isEqualTo("row 1 is missing");
  }

  @Test
  void shouldDetectARowRewrittenWithAFreshHash() {
    record(3);
    // Recomputing the changed row's own hash is not enough: the next row still points at the old one.
    AuditEvent row = audit.events("run").get(1);
    String forged = ChainHash.keyed(new AuditKey(KEY), row.previousHash(), row.id(), row.processInstanceId(), row.type(), row.step(), "mallory",
        row.at(), row.outcome(), row.details());
    jdbc.update("UPDATE rebound_audit SET actor = 'mallory', hash = ? WHERE id = ?", forged, row.id());

    Verification verification = audit.verify();
    assertThat(verification.firstBrokenId()).isEqualTo(row.id() + 1);
    assertThat(verification.problem()).isEqualTo("previous hash does not match the row before");
  }

  @Test
  void shouldDetectAForgedRowWhoseChainIsRecomputedWithoutTheKey() {
    record(4);
    forgeFrom(2, "mallory", false);

    Verification verification = audit.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.firstBrokenId()).isEqualTo(2L);
    assertThat(verification.problem()).isEqualTo("row content does not match its hash");
    assertThat(verification.anchor()).as("the last row no longer carries the anchored hash").isEqualTo(AnchorCheck.DOES_NOT_MATCH);
  }

  @Test
  void shouldDetectAForgedRowPassedOffAsWrittenBeforeTheKey() {
    record(4);
    forgeFrom(2, "mallory", true);

    Verification verification = audit.verify();
    assertThat(verification.firstBrokenId()).isEqualTo(2L);
    assertThat(verification.problem()).isEqualTo("row 2 is hashed with SHA-256 where HMAC-SHA256 belongs (the keyed chain begins at row 1)");
  }

  @Test
  void shouldDetectAForgedChainEvenWithoutTheAnchor() throws Exception {
    record(4);
    forgeFrom(2, "mallory", true);
    Files.delete(directory.resolve("anchor.json"));

    Verification verification = audit.verify();
    assertThat(verification.problem()).isEqualTo("row 2 is hashed with SHA-256 where HMAC-SHA256 belongs (the keyed chain begins at row 1)");
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.MISSING);
    assertThat(verification.keyedFrom()).isEqualTo(1L);
  }

  @Test
  void shouldDetectARowInsertedInTheMiddle() {
    record(4);
    AuditEvent second = audit.events("run").get(1);
    jdbc.update("UPDATE rebound_audit SET id = 5 WHERE id = 4");
    jdbc.update("UPDATE rebound_audit SET id = 4 WHERE id = 3");
    String hash = ChainHash.legacy(second.hash(), 3, "run", "APPROVED", "approval", "mallory", second.at(), "approved", "{}");
    insert(3, "APPROVED", "mallory", second.at(), second.hash(), hash, ChainHash.LEGACY);

    Verification verification = audit.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.firstBrokenId()).isEqualTo(3L);
  }

  @Test
  void shouldDetectARowAppendedAroundRebound() {
    record(3);
    AuditEvent last = audit.events("run").get(2);
    String hash = ChainHash.legacy(last.hash(), 4, "run", "APPROVED", "approval", "mallory", last.at(), "approved", "{}");
    insert(4, "APPROVED", "mallory", last.at(), last.hash(), hash, ChainHash.LEGACY);
    jdbc.update("UPDATE rebound_audit_head SET last_id = 4, last_hash = ?", hash);

    Verification verification = audit.verify();
    assertThat(verification.firstBrokenId()).isEqualTo(4L);
    assertThat(verification.problem()).startsWith("row 4 is hashed with SHA-256 where HMAC-SHA256 belongs");
  }

  @Test
  void shouldDetectAKeyedRowAppendedWithoutMovingTheAnchor() {
    record(3);
    // As if the row came from a node that does not anchor (written with the key, so the chain itself holds).
    AuditEvent last = audit.events("run").get(2);
    String hash = ChainHash.keyed(new AuditKey(KEY), last.hash(), 4, "run", "APPROVED", "approval", "someone", last.at(), "approved", "{}");
    insert(4, "APPROVED", "someone", last.at(), last.hash(), hash, ChainHash.KEYED);

    Verification verification = audit.verify();
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.DOES_NOT_MATCH);
    assertThat(verification.firstBrokenId()).isEqualTo(4L);
    assertThat(verification.problem()).isEqualTo("rows 4 to 4 were written without moving the anchor on, around Rebound");
  }

  @Test
  void shouldDetectATruncatedTail() {
    record(5);
    AuditEvent third = audit.events("run").get(2);
    jdbc.update("DELETE FROM rebound_audit WHERE id > 3");
    jdbc.update("UPDATE rebound_audit_head SET last_id = 3, last_hash = ?", third.hash());

    Verification verification = audit.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.DOES_NOT_MATCH);
    assertThat(verification.firstBrokenId()).isEqualTo(4L);
    assertThat(verification.problem()).isEqualTo("rows after row 3 were removed: the anchor says the trail goes up to row 5");
  }

  @Test
  void shouldKeepTheEvidenceOfATruncatedTailWhenRowsAreAppendedAfterIt() {
    record(5);
    AuditEvent third = audit.events("run").get(2);
    jdbc.update("DELETE FROM rebound_audit WHERE id > 3");
    jdbc.update("UPDATE rebound_audit_head SET last_id = 3, last_hash = ?", third.hash());
    record(3);

    Verification verification = audit.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.rows()).isEqualTo(6);
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.DOES_NOT_MATCH);
    assertThat(verification.problem()).startsWith("row 4 was appended after row 3 at ").contains("but the anchor then held row 5 (hash ")
        .endsWith("): rows had been removed or rewritten");
    assertThat(anchored().lastId()).isEqualTo(6);
    assertThat(anchored().rows()).isEqualTo(6);
  }

  @Test
  void shouldDetectAnEmptiedTrail() {
    record(3);
    jdbc.update("DELETE FROM rebound_audit");
    jdbc.update("UPDATE rebound_audit_head SET last_id = 0, last_hash = ?", ChainHash.GENESIS);

    Verification verification = audit.verify();
    assertThat(verification).isEqualTo(new Verification(false, 0, 1L, "the trail is empty, but the anchor says it held 3 rows up to row 3",
        AnchorCheck.DOES_NOT_MATCH, 1L));
  }

  @Test
  void shouldDetectARowCountThatDoesNotMatchTheAnchor() {
    record(3);
    AnchoredHead head = anchored();
    anchor.write(new AnchoredHead(head.keyId(), head.lastId(), head.lastHash(), 4, head.keyedFrom(), null, head.writtenAt())
        .seal(new AuditKey(KEY)));

    assertThat(audit.verify().problem()).isEqualTo("the trail holds 3 rows, the anchor says 4");
  }

  @Test
  void shouldDetectALastRowThatDoesNotCarryTheAnchoredHash() {
    record(3);
    AnchoredHead head = anchored();
    anchor.write(new AnchoredHead(head.keyId(), head.lastId(), "f".repeat(64), head.rows(), head.keyedFrom(), null, head.writtenAt())
        .seal(new AuditKey(KEY)));

    Verification verification = audit.verify();
    assertThat(verification.problem()).isEqualTo("row 3 does not carry the hash the anchor holds for it");
    assertThat(verification.firstBrokenId()).isEqualTo(3L);
  }

  @Test
  void shouldReportAMissingAnchorApartFromTampering() throws Exception {
    record(3);
    Files.delete(directory.resolve("anchor.json"));

    Verification verification = audit.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.MISSING);
    assertThat(verification.firstBrokenId()).isNull();
    assertThat(verification.keyedFrom()).isEqualTo(1L);
    assertThat(verification.problem()).isEqualTo("the anchor " + directory.resolve("anchor.json").toAbsolutePath() + " is missing: the 3 rows"
        + " cannot be checked against the head kept outside the engine database, so rows removed from the end of the trail would go unnoticed");
  }

  @Test
  void shouldAnchorAgainFromTheTrailWhenTheAnchorWentMissing(CapturedOutput output) throws Exception {
    record(3);
    assertThat(output.getAll()).as("the first row of a trail has no anchor to miss").doesNotContain("was missing");
    Files.delete(directory.resolve("anchor.json"));
    record(1);

    assertThat(output.getAll()).contains("The audit anchor " + directory.resolve("anchor.json").toAbsolutePath()
        + " was missing when row 4 was appended: it is written again from the trail as it stands");
    assertThat(audit.verify()).isEqualTo(new Verification(true, 4, null, null, AnchorCheck.MATCHES, 1L));
    assertThat(anchored().rows()).isEqualTo(4);
  }

  @Test
  void shouldSayWhenTheAnchorCannotBeRead() throws Exception {
    record(2);
    Path file = directory.resolve("anchor.json");
    Files.delete(file);
    Files.createDirectory(file);

    Verification verification = audit.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.UNREADABLE);
    assertThat(verification.problem()).startsWith("cannot read the audit anchor " + file.toAbsolutePath() + ": java.io.IOException");
    assertThatThrownBy(() -> record(1)).as("a row is recorded only with its anchor").hasMessageContaining("cannot read the audit anchor");
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM rebound_audit", Long.class)).isEqualTo(2);
  }

  @Test
  void shouldDetectAForgedAnchor() throws Exception {
    record(3);
    Path file = directory.resolve("anchor.json");
    Files.writeString(file, Files.readString(file).replace("\"lastId\":3", "\"lastId\":2"));

    Verification verification = audit.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.FORGED);
    assertThat(verification.problem())
        .isEqualTo("the anchor " + file.toAbsolutePath() + " is not valid: its MAC does not match its content: it was altered");
  }

  @Test
  void shouldDetectAnAnchorThatIsNotOne() throws Exception {
    record(1);
    Files.writeString(directory.resolve("anchor.json"), "{}");

    assertThat(audit.verify().anchor()).isEqualTo(AnchorCheck.FORGED);
  }

  @Test
  void shouldRecordThatAnInvalidAnchorWasFoundWhenAppending() throws Exception {
    record(2);
    Files.writeString(directory.resolve("anchor.json"), "not an anchor");
    record(1);

    Verification verification = audit.verify();
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.DOES_NOT_MATCH);
    assertThat(verification.problem()).startsWith("row 3 was appended at ")
        .contains(" over an anchor that was not valid: it is not an anchor Rebound wrote");
    assertThat(anchored().rows()).isEqualTo(3);
    assertThat(anchored().keyedFrom()).isEqualTo(1);
  }

  @Test
  void shouldDetectAChangedKey() {
    record(3);

    Verification verification = trail("another-audit-key-0123456789abcdef").verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.KEY_CHANGED);
    assertThat(verification.firstBrokenId()).as("no row verifies under the new key").isEqualTo(1L);
    assertThat(verification.problem()).contains("the key has changed").contains(new AuditKey(KEY).id());
  }

  @Test
  void shouldPutTheAnchorBackWhenTheRowDoesNotCommit() {
    record(2);
    String before = anchor.read().orElseThrow();
    LosingCommits transactions = new LosingCommits(dataSource);
    AuditTrail losing = new AuditTrail(dataSource, transactions, redactor, new ObjectMapper(), new AuditKey(KEY), anchor);
    transactions.loseNext = true;

    assertThatThrownBy(() -> losing.record("run", AuditEventType.STEP_STARTED, "step", "rebound", null, Map.of()))
        .hasMessage("connection lost while committing");
    assertThat(anchor.read()).contains(before);
    assertThat(audit.verify()).isEqualTo(new Verification(true, 2, null, null, AnchorCheck.MATCHES, 1L));

    losing.record("run", AuditEventType.STEP_STARTED, "step", "rebound", null, Map.of());
    assertThat(audit.verify()).isEqualTo(new Verification(true, 3, null, null, AnchorCheck.MATCHES, 1L));
  }

  @Test
  void shouldLeaveTheAnchorOfARowThatCommittedDespiteAnError() {
    record(2);
    LosingCommits transactions = new LosingCommits(dataSource);
    AuditTrail losing = new AuditTrail(dataSource, transactions, redactor, new ObjectMapper(), new AuditKey(KEY), anchor);
    transactions.commitThenFail = true;

    assertThatThrownBy(() -> losing.record("run", AuditEventType.STEP_STARTED, "step", "rebound", null, Map.of()));
    assertThat(audit.verify()).isEqualTo(new Verification(true, 3, null, null, AnchorCheck.MATCHES, 1L));
  }

  /** A connection lost while committing: the transaction rolled back, or committed with the answer lost. */
  static final class LosingCommits extends DataSourceTransactionManager {

    boolean loseNext;
    boolean commitThenFail;

    LosingCommits(DataSource dataSource) {
      super(dataSource);
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
      if (loseNext) {
        loseNext = false;
        doRollback(status);
        throw new TransactionSystemException("connection lost while committing");
      }
      super.doCommit(status);
      if (commitThenFail) {
        commitThenFail = false;
        throw new TransactionSystemException("connection lost after committing");
      }
    }
  }

  @Test
  void shouldRefuseToRecordWithoutTheHeadRow() {
    jdbc.update("DELETE FROM rebound_audit_head");

    assertThatThrownBy(() -> record(1)).hasMessageContaining("head row (rebound_audit_head) is missing");
  }

  @Test
  void shouldRedactSecretsBeforeWriting() {
    AuditEvent event = audit.record("run", AuditEventType.STEP_FAILED, "bootstrap", "rebound",
        "ALTER USER X IDENTIFIED BY Very-Secret-1 failed", Map.of("statements", List.of("connect postgres/Very-Secret-1"), "key", KEY));

    assertThat(event.outcome()).isEqualTo("ALTER USER X IDENTIFIED BY *** failed");
    assertThat(event.details()).contains("\"statements\":[\"connect postgres/***\"]", "\"key\":\"***\"");
    assertThat(jdbc.queryForList("SELECT outcome || details AS text FROM rebound_audit", String.class))
        .allSatisfy(text -> assertThat(text).doesNotContain("Very-Secret-1").doesNotContain(KEY).contains("***"));
  }

  @Test
  void shouldWriteNoDetailsAsAnEmptyObjectAndCutALongOutcome() {
    AuditEvent event = audit.record("run", AuditEventType.ENDED, null, "rebound", "x".repeat(4001), null);

    assertThat(event.details()).isEqualTo("{}");
    assertThat(event.outcome()).hasSize(4000).endsWith("x…");
    assertThat(audit.record("run", AuditEventType.ENDED, null, "rebound", "y".repeat(4000), Map.of()).outcome()).isEqualTo("y".repeat(4000));
    assertThat(audit.verify().intact()).isTrue();
  }

  @Test
  void shouldKeepARowWhenTheTransactionAroundItRollsBack() {
    TransactionTemplate engineTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    AuditTrail inEngine = new AuditTrail(dataSource, engineTransaction.getTransactionManager(), redactor, new ObjectMapper(), new AuditKey(KEY),
        anchor);

    engineTransaction.executeWithoutResult(status -> {
      inEngine.record("run", AuditEventType.STEP_FAILED, "reset", "rebound", "dropped, then failed", Map.of());
      status.setRollbackOnly();
    });

    assertThat(audit.events("run")).extracting(AuditEvent::outcome).containsExactly("dropped, then failed");
    assertThat(audit.verify().intact()).isTrue();
  }

  @Test
  void shouldVerifyAtThePointAnAppendInFlightCommits() throws Exception {
    record(3);
    AuditEvent last = audit.events("run").get(2);
    try (Connection appending = dataSource.getConnection()) {
      // An append on another node, between writing its anchor and committing its row.
      appending.setAutoCommit(false);
      execute(appending, "SELECT last_id FROM rebound_audit_head WHERE id = 1 FOR UPDATE");
      String at = last.at();
      String hash = ChainHash.keyed(new AuditKey(KEY), last.hash(), 4, "run", "ENDED", "end", "rebound", at, null, "{}");
      execute(appending, "INSERT INTO rebound_audit (id, process_instance_id, event_type, step, actor, occurred_at, outcome, details,"
          + " previous_hash, hash, hash_algorithm) VALUES (4, 'run', 'ENDED', 'end', 'rebound', TIMESTAMP WITH TIME ZONE '"
          + at.replace("T", " ").replace("Z", "+00") + "', NULL, '{}', '" + last.hash() + "', '" + hash + "', 'HMAC-SHA256')");
      execute(appending, "UPDATE rebound_audit_head SET last_id = 4, last_hash = '" + hash + "' WHERE id = 1");
      anchor.write(new AnchoredHead(new AuditKey(KEY).id(), 4, hash, 4, 1, null, at).seal(new AuditKey(KEY)));

      CompletableFuture<Verification> verification = CompletableFuture.supplyAsync(audit::verify);
      await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
          "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL", Long.class) > 0);
      appending.commit();

      assertThat(verification.get(10, TimeUnit.SECONDS)).isEqualTo(new Verification(true, 4, null, null, AnchorCheck.MATCHES, 1L));
    }
  }

  @Test
  void shouldKeepOneChainWhenTwoNodesAppendAtOnce() throws Exception {
    AuditTrail otherNode = trail(KEY);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        AuditTrail node = i % 2 == 0 ? audit : otherNode;
        writes.add(threads.submit(() -> node.record("run", AuditEventType.STEP_STARTED, "step", "rebound", null, Map.of())));
      }
      for (Future<?> write : writes) {
        write.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(audit.verify()).isEqualTo(new Verification(true, 40, null, null, AnchorCheck.MATCHES, 1L));
  }

  @Test
  void shouldAnchorRowsWrittenBeforeTheKeyAtTheFirstStartAndChainKeyedRowsToThem() {
    List<String> legacy = writeLegacyRows(3);
    AuditTrail upgraded = trail(KEY);

    assertThat(anchored()).isEqualTo(new AnchoredHead(new AuditKey(KEY).id(), 3, legacy.get(2), 3, 4, null, anchored().writtenAt()));
    assertThat(upgraded.verify()).isEqualTo(new Verification(true, 3, null, null, AnchorCheck.MATCHES, 4L));

    AuditEvent keyed = upgraded.record("run", AuditEventType.REQUESTED, "request", "op", null, Map.of());
    assertThat(keyed.id()).isEqualTo(4);
    assertThat(keyed.previousHash()).isEqualTo(legacy.get(2));
    assertThat(upgraded.verify()).isEqualTo(new Verification(true, 4, null, null, AnchorCheck.MATCHES, 4L));
    assertThat(trail(KEY).verify().intact()).as("a restart does not anchor the trail again").isTrue();
  }

  @Test
  void shouldTellWhereTheKeyedChainBeginsWithoutTheAnchor() throws Exception {
    writeLegacyRows(3);
    AuditTrail upgraded = trail(KEY);
    upgraded.record("run", AuditEventType.REQUESTED, "request", "op", null, Map.of());
    Files.delete(directory.resolve("anchor.json"));

    Verification verification = upgraded.verify();
    assertThat(verification.anchor()).isEqualTo(AnchorCheck.MISSING);
    assertThat(verification.keyedFrom()).isEqualTo(4L);
    assertThat(verification.firstBrokenId()).isNull();
  }

  @Test
  void shouldDetectARowWrittenBeforeTheKeyChangedOrRemovedAfterTheUpgrade() {
    writeLegacyRows(3);
    AuditTrail upgraded = trail(KEY);
    jdbc.update("UPDATE rebound_audit SET actor = 'mallory' WHERE id = 2");
    assertThat(upgraded.verify().firstBrokenId()).isEqualTo(2L);

    jdbc.update("UPDATE rebound_audit SET actor = 'op' WHERE id = 2");
    jdbc.update("DELETE FROM rebound_audit WHERE id = 3");
    assertThat(upgraded.verify().problem()).isEqualTo("rows after row 2 were removed: the anchor says the trail goes up to row 3");
  }

  @Test
  void shouldDetectRowsWrittenBeforeTheKeyRewrittenAsKeyed() {
    List<String> legacy = writeLegacyRows(2);
    AuditTrail upgraded = trail(KEY);
    upgraded.record("run", AuditEventType.REQUESTED, "request", "op", null, Map.of());
    // Only someone holding the key could do this; the anchor still says where the keyed chain begins.
    jdbc.update("UPDATE rebound_audit SET hash_algorithm = 'HMAC-SHA256', hash = ? WHERE id = 2",
        ChainHash.keyed(new AuditKey(KEY), legacy.get(0), 2, "run", "STEP_STARTED", "step-1", "op", "2020-01-01T00:00:01Z", null, "{}"));

    assertThat(upgraded.verify().problem()).isEqualTo("row 2 is hashed with HMAC-SHA256 where SHA-256 belongs (the keyed chain begins at row 3)");
  }

  @Test
  void shouldNotAnchorAnEmptyTrailOrATrailWithKeyedRowsAtStart() throws Exception {
    trail(KEY);
    Path file = directory.resolve("anchor.json");
    assertThat(file).doesNotExist();

    record(2);
    Files.delete(file);
    trail(KEY);
    assertThat(file).as("keyed rows are anchored by the next append, not by a start").doesNotExist();
  }

  @Test
  void shouldDetectAnUnknownHashAlgorithm() {
    record(2);
    jdbc.update("UPDATE rebound_audit SET hash_algorithm = 'MD5' WHERE id = 2");

    assertThat(audit.verify().problem()).isEqualTo("row 2 is hashed with MD5 where HMAC-SHA256 belongs (the keyed chain begins at row 1)");
  }

  @Test
  void shouldDetectAnUnknownHashAlgorithmBeforeAnyKeyedRow() {
    writeLegacyRows(2);
    jdbc.update("UPDATE rebound_audit SET hash_algorithm = 'MD5' WHERE id = 2");

    assertThat(audit.verify().problem()).isEqualTo("row 2 is hashed with MD5 where SHA-256 belongs");
  }

  /** Rows as the code before keyed hashing wrote them: plain SHA-256, no algorithm named (the column's default). */
  private List<String> writeLegacyRows(int count) {
    List<String> hashes = new ArrayList<>();
    String previous = ChainHash.GENESIS;
    for (int id = 1; id <= count; id++) {
      String at = Instant.parse("2020-01-01T00:00:00Z").plusSeconds(id - 1).toString();
      String hash = ChainHash.legacy(previous, id, "run", "STEP_STARTED", "step-" + (id - 1), "op", at, null, "{}");
      jdbc.update("INSERT INTO rebound_audit (id, process_instance_id, event_type, step, actor, occurred_at, outcome, details, previous_hash, hash)"
          + " VALUES (?, 'run', 'STEP_STARTED', ?, 'op', ?, NULL, '{}', ?, ?)", id, "step-" + (id - 1), Timestamp.from(Instant.parse(at)),
          previous, hash);
      jdbc.update("UPDATE rebound_audit_head SET last_id = ?, last_hash = ?", id, hash);
      hashes.add(hash);
      previous = hash;
    }
    return hashes;
  }

  /** Rewrites row {@code from} and recomputes every hash after it as someone without the key can: plain SHA-256. */
  private void forgeFrom(long from, String actor, boolean markAsLegacy) {
    List<AuditEvent> rows = audit.events("run");
    String previous = rows.get((int) from - 2).hash();
    for (AuditEvent row : rows.subList((int) from - 1, rows.size())) {
      String newActor = row.id() == from ? actor : row.actor();
      String hash = ChainHash.legacy(previous, row.id(), row.processInstanceId(), row.type(), row.step(), newActor, row.at(), row.outcome(),
          row.details());
      jdbc.update("UPDATE rebound_audit SET actor = ?, previous_hash = ?, hash = ?, hash_algorithm = ? WHERE id = ?", newActor, previous, hash,
          markAsLegacy ? ChainHash.LEGACY : ChainHash.KEYED, row.id());
      previous = hash;
    }
    jdbc.update("UPDATE rebound_audit_head SET last_hash = ?", previous);
  }

  private void insert(long id, String type, String actor, String at, String previous, String hash, String algorithm) {
    jdbc.update("INSERT INTO rebound_audit (id, process_instance_id, event_type, step, actor, occurred_at, outcome, details, previous_hash, hash,"
        + " hash_algorithm) VALUES (?, 'run', ?, 'approval', ?, ?, 'approved', '{}', ?, ?, ?)", id, type, actor, Timestamp.from(Instant.parse(at)),
        previous, hash, algorithm);
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private AnchoredHead anchored() {
    return AnchoredHead.open(anchor.read(), new AuditKey(KEY)).head();
  }

  private void record(int count) {
    for (int i = 0; i < count; i++) {
      audit.record("run", AuditEventType.STEP_STARTED, "step-" + i, "rebound", null, Map.of("i", i));
    }
  }
}
