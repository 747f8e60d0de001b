package io.rebound.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a new session on a target is set to. */
class SessionSettingsTest {

  @Test
  void shouldGivePostgresqlItsTimeoutsAsServerSettingsAndDriverProperties() {
    SessionSettings settings = new SessionSettings(Dialect.POSTGRESQL, Duration.ofMillis(2500), Duration.ofMinutes(10), Duration.ofSeconds(30));

    assertThat(settings.statements()).containsExactly("SET statement_timeout = 600000", "SET lock_timeout = 30000");
    assertThat(settings.asOneStatement()).isEqualTo("SET statement_timeout = 600000; SET lock_timeout = 30000");
    assertThat(settings.driverProperties()).containsEntry("connectTimeout", "3").containsEntry("loginTimeout", "3")
        .containsEntry("socketTimeout", "660").containsEntry("tcpKeepAlive", "true").hasSize(4);
    assertThat(settings.timesStatementsOut()).as("the server times statements out itself").isFalse();
  }

  @Test
  void shouldPinOraclesLanguageBeforeItsNumberCharactersAndFormats() {
    SessionSettings settings = new SessionSettings(Dialect.ORACLE, Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofMinutes(1));

    List<String> statements = settings.statements();

    assertThat(statements).containsSubsequence("ALTER SESSION SET NLS_LANGUAGE = 'AMERICAN'", "ALTER SESSION SET NLS_TERRITORY = 'AMERICA'",
        "ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'");
    assertThat(statements.indexOf("ALTER SESSION SET NLS_TERRITORY = 'AMERICA'"))
        .as("the territory resets the formats set before it").isLessThan(statements.indexOf("ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'"));
    assertThat(statements).contains("ALTER SESSION SET NLS_CALENDAR = 'GREGORIAN'", "ALTER SESSION SET NLS_SORT = 'BINARY'", "ALTER SESSION SET NLS_COMP = 'BINARY'",
        "ALTER SESSION SET DDL_LOCK_TIMEOUT = 60");
    assertThat(settings.driverProperties()).containsEntry("oracle.net.CONNECT_TIMEOUT", "10000")
        .containsEntry("oracle.net.OUTBOUND_CONNECT_TIMEOUT", "10000ms").containsEntry("oracle.jdbc.ReadTimeout", "3660000").hasSize(3);
    assertThat(settings.timesStatementsOut()).isTrue();
    assertThat(settings.queryTimeoutSeconds()).isEqualTo(3600);
  }

  @Test
  void shouldRunOraclesSettingsAsOneBlockWithItsQuotesDoubled() {
    SessionSettings settings = new SessionSettings(Dialect.ORACLE, Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofMinutes(1));

    String block = settings.asOneStatement();

    assertThat(block).startsWith("BEGIN EXECUTE IMMEDIATE 'ALTER SESSION SET NLS_LANGUAGE = ''AMERICAN''';").endsWith(" END;");
    assertThat(block).contains(" EXECUTE IMMEDIATE 'ALTER SESSION SET NLS_NUMERIC_CHARACTERS = ''.,''';");
    assertThat(block.split("EXECUTE IMMEDIATE", -1)).hasSize(settings.statements().size() + 1);
  }

  @Test
  void shouldRoundTimeoutsUpToWholeSecondsAndCapOraclesLockTimeout() {
    SessionSettings settings = new SessionSettings(Dialect.ORACLE, Duration.ofMillis(1), Duration.ofMillis(1500), Duration.ofDays(30));

    assertThat(settings.queryTimeoutSeconds()).isEqualTo(2);
    assertThat(settings.statements()).contains("ALTER SESSION SET DDL_LOCK_TIMEOUT = 1000000");
    assertThat(new SessionSettings(Dialect.POSTGRESQL, Duration.ofMillis(1), Duration.ofHours(1), Duration.ZERO).driverProperties())
        .containsEntry("connectTimeout", "1");
  }

  @Test
  void shouldLeaveStatementsUnlimitedWhenTheTimeoutIsZero() {
    SessionSettings oracle = new SessionSettings(Dialect.ORACLE, Duration.ofSeconds(10), Duration.ZERO, Duration.ZERO);
    SessionSettings postgres = new SessionSettings(Dialect.POSTGRESQL, Duration.ofSeconds(10), Duration.ZERO, Duration.ZERO);

    assertThat(oracle.timesStatementsOut()).isFalse();
    assertThat(oracle.queryTimeoutSeconds()).isZero();
    assertThat(oracle.driverProperties()).containsEntry("oracle.jdbc.ReadTimeout", "0");
    assertThat(postgres.driverProperties()).containsEntry("socketTimeout", "0");
    assertThat(postgres.statements()).containsExactly("SET statement_timeout = 0", "SET lock_timeout = 0");
  }

  @Test
  void shouldTakeItsSettingsFromTheTargetsProperties() {
    TargetProperties properties = new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", null, null, null, null, null,
        null, null, null, null, null, null, Duration.ofSeconds(3), Duration.ofSeconds(40), Duration.ofSeconds(5));

    SessionSettings settings = SessionSettings.of(properties);

    assertThat(settings.statements()).containsExactly("SET statement_timeout = 40000", "SET lock_timeout = 5000");
    assertThat(settings.driverProperties()).containsEntry("connectTimeout", "3").containsEntry("socketTimeout", "100");
  }
}
