package io.rebound.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.config.ReboundProperties;
import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

class AuditTrailTest {

  private AuditTrail audit;
  private JdbcTemplate jdbc;

  @BeforeEach
  void createTrail() {
    JdbcDataSource dataSource = EngineDatabases.h2();
    EngineDatabases.migrate(dataSource);
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"), new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    targets.register("t", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", "Very-Secret-1", null, Path.of("/d"),
        null, null, null, null, null));
    audit = new AuditTrail(dataSource, new DataSourceTransactionManager(dataSource), new Redactor(targets), new ObjectMapper());
    jdbc = new JdbcTemplate(dataSource);
  }

  @Test
  void shouldChainEveryRowToTheOneBefore() {
    AuditEvent first = audit.record("run-1", AuditEventType.REQUESTED, "request", "op", "requested", Map.of("target", "t"));
    AuditEvent second = audit.record("run-2", AuditEventType.REQUESTED, "request", "op", "requested", Map.of());
    AuditEvent third = audit.record("run-1", AuditEventType.STEP_STARTED, "reset", "rebound", null, Map.of());

    assertThat(first.previousHash()).isEqualTo(AuditTrail.GENESIS);
    assertThat(second.previousHash()).isEqualTo(first.hash());
    assertThat(third.previousHash()).isEqualTo(second.hash());
    assertThat(audit.events("run-1")).extracting(AuditEvent::id).containsExactly(first.id(), third.id());
    assertThat(audit.events("run-1").get(0)).isEqualTo(first);
    assertThat(audit.verify()).isEqualTo(new AuditTrail.Verification(true, 3, null, null));
  }

  @Test
  void shouldDetectAChangedRow() {
    record(4);
    jdbc.update("UPDATE rebound_audit SET actor = 'mallory' WHERE id = 2");

    AuditTrail.Verification verification = audit.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.firstBrokenId()).isEqualTo(2L);
  }

  @Test
  void shouldDetectARemovedRow() {
    record(4);
    jdbc.update("DELETE FROM rebound_audit WHERE id = 3");

    assertThat(audit.verify().problem()).isEqualTo("row 3 is missing");
  }

  @Test
  void shouldDetectRemovedLastRows() {
    record(4);
    jdbc.update("DELETE FROM rebound_audit WHERE id = 4");

    assertThat(audit.verify().intact()).isFalse();
  }

  @Test
  void shouldDetectARowRewrittenWithAFreshHash() {
    record(3);
    // Recomputing the changed row's own hash is not enough: the next row still points at the old one.
    AuditEvent row = audit.events("run").get(1);
    String forged = AuditTrail.hash(row.previousHash(), row.id(), row.processInstanceId(), row.type(), row.step(), "mallory", row.at(),
        row.outcome(), row.details());
    jdbc.update("UPDATE rebound_audit SET actor = 'mallory', hash = ? WHERE id = ?", forged, row.id());

    assertThat(audit.verify().firstBrokenId()).isEqualTo(row.id() + 1);
  }

  @Test
  void shouldRedactSecretsBeforeWriting() {
    AuditEvent event = audit.record("run", AuditEventType.STEP_FAILED, "bootstrap", "rebound",
        "ALTER USER X IDENTIFIED BY Very-Secret-1 failed", Map.of("statements", List.of("connect postgres/Very-Secret-1")));

    assertThat(event.outcome()).doesNotContain("Very-Secret-1");
    assertThat(jdbc.queryForList("SELECT outcome || details AS text FROM rebound_audit", String.class))
        .allSatisfy(text -> assertThat(text).doesNotContain("Very-Secret-1").contains("***"));
  }

  private void record(int count) {
    for (int i = 0; i < count; i++) {
      audit.record("run", AuditEventType.STEP_STARTED, "step-" + i, "rebound", null, Map.of("i", i));
    }
  }
}
