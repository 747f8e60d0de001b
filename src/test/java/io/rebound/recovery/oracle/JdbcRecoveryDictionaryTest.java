package io.rebound.recovery.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.ReboundProperties;
import io.rebound.recovery.oracle.TriageQueries.RecoverFile;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the JDBC side of triage makes of a database that does not answer, and of errors and rows, without an Oracle. */
class JdbcRecoveryDictionaryTest {

  @TempDir Path root;

  @Test
  void shouldTakeAnInstanceThatDoesNotAnswerAsUnreachableRatherThanFail() throws SQLException {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), root, null));
    targets.register("ora", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//127.0.0.1:1/NOWHERE", "sys as sysdba", "Secret-1",
        null, null, null, null, 1, Map.of(), Map.of()));
    Target target = targets.get("ora");
    StepLog log = new StepLog();

    DatabasePicture picture = new JdbcRecoveryDictionary().read(target, log);

    assertThat(picture.reachable()).isFalse();
    assertThat(picture.said()).singleElement().asString().startsWith("ORA-").doesNotContain("Secret-1");
    assertThat(log.entries()).singleElement().satisfies(entry -> {
      assertThat(entry.action()).isEqualTo("connect to ora");
      assertThat(entry.outcome()).startsWith("no answer: ORA-");
    });
  }

  @Test
  void shouldTellAnInstanceThatDoesNotAnswerFromOneThatRefusesTheSession() {
    assertThat(JdbcRecoveryDictionary.answered(new SQLException("ORA-01034: ORACLE not available", "72000", 1034))).isFalse();
    assertThat(JdbcRecoveryDictionary.answered(new SQLException("ORA-12514: listener does not know of service", "66000", 12514)))
        .isFalse();
    assertThat(JdbcRecoveryDictionary.answered(new SQLRecoverableException("IO Error: Connection reset"))).isFalse();
    assertThat(JdbcRecoveryDictionary.answered(new SQLException("connection refused", "08006", 17002))).isFalse();
    assertThat(JdbcRecoveryDictionary.answered(new SQLException("ORA-01017: invalid username/password", "72000", 1017))).isTrue();
    assertThat(JdbcRecoveryDictionary.answered(new SQLException("ORA-01031: insufficient privileges", null, 1031))).isTrue();
  }

  @Test
  void shouldStartRecoveryAtTheLowestScnOfTheFilesThatNeedIt() {
    assertThat(JdbcRecoveryDictionary.recoveryStart(List.of(new RecoverFile(7, "ONLINE", "FILE NOT FOUND", "0"),
        new RecoverFile(8, "OFFLINE", null, "2513500"), new RecoverFile(9, "OFFLINE", "OFFLINE NORMAL", "100"),
        new RecoverFile(10, "OFFLINE", null, "12513000"), new RecoverFile(11, "OFFLINE", null, null)))).contains("2513500");
    assertThat(JdbcRecoveryDictionary.recoveryStart(List.of(new RecoverFile(7, "ONLINE", "FILE NOT FOUND", "0")))).isEmpty();
  }
}
