package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.compare.CompareSql.SessionLimits;
import io.rebound.target.Jdbc;
import io.rebound.target.QueryTimeouts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A comparison's sessions cannot run or wait without bound, on a real PostgreSQL: the server's own timeouts
 * there, and the driver's query timeout as Oracle's sessions use it.
 */
class SessionLimitsIT {

  static EmbeddedPostgres server;
  static final SessionLimits TIGHT = new SessionLimits(Duration.ofMillis(700), Duration.ofMillis(200));

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
    try (Connection connection = server.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE held (id int PRIMARY KEY)");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void shouldSetTheTimeoutsForTheTransactionOnly() throws Exception {
    try (Connection connection = server.getPostgresDatabase().getConnection()) {
      Connection session = new PostgresCompareSql().beginReadOnly(connection, new SessionLimits(Duration.ofMinutes(4), Duration.ofSeconds(10)));

      assertThat(session).isSameAs(connection);
      assertThat(Jdbc.queryString(session, "SHOW statement_timeout")).isEqualTo("4min");
      assertThat(Jdbc.queryString(session, "SHOW lock_timeout")).isEqualTo("10s");
      assertThat(Jdbc.queryString(session, "SHOW transaction_read_only")).isEqualTo("on");
      connection.rollback();
      assertThat(Jdbc.queryString(connection, "SHOW statement_timeout")).as("a pooled connection goes back as it came").isEqualTo("0");
    }
  }

  @Test
  void shouldCancelAStatementThatRunsPastTheStatementTimeout() throws Exception {
    try (Connection connection = server.getPostgresDatabase().getConnection()) {
      Connection session = new PostgresCompareSql().beginReadOnly(connection, TIGHT);
      long started = System.nanoTime();

      assertThatThrownBy(() -> Jdbc.queryString(session, "SELECT pg_sleep(30)::text")).isInstanceOf(SQLException.class)
          .hasMessageContaining("statement timeout");

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      connection.rollback();
    }
  }

  @Test
  void shouldGiveUpWaitingForALockAfterTheLockTimeout() throws Exception {
    try (Connection holder = server.getPostgresDatabase().getConnection(); Connection connection = server.getPostgresDatabase().getConnection()) {
      holder.setAutoCommit(false);
      try (Statement statement = holder.createStatement()) {
        statement.execute("LOCK TABLE held IN ACCESS EXCLUSIVE MODE");
      }
      Connection session = new PostgresCompareSql().beginReadOnly(connection, new SessionLimits(Duration.ofMinutes(1), Duration.ofMillis(200)));

      assertThatThrownBy(() -> Jdbc.queryLong(session, "SELECT count(*) FROM held")).isInstanceOf(SQLException.class)
          .hasMessageContaining("lock timeout").extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("55P03");
      connection.rollback();
      holder.rollback();
    }
  }

  /** What Oracle's sessions rely on, shown on a driver that honours query timeouts the same way. */
  @Test
  void shouldBoundEveryStatementOfATimedConnection() throws Exception {
    try (Connection connection = server.getPostgresDatabase().getConnection()) {
      Connection timed = QueryTimeouts.of(connection, Duration.ofMillis(1500));
      try (Statement plain = timed.createStatement(); PreparedStatement prepared = timed.prepareStatement("SELECT 1");
          CallableStatement call = timed.prepareCall("{call pg_sleep(0)}")) {
        assertThat(plain.getQueryTimeout()).as("rounded up to whole seconds").isEqualTo(2);
        assertThat(prepared.getQueryTimeout()).isEqualTo(2);
        assertThat(call.getQueryTimeout()).isEqualTo(2);
      }
      assertThat(QueryTimeouts.of(connection, Duration.ofMillis(1)).createStatement().getQueryTimeout()).as("0 would mean none").isEqualTo(1);
      long started = System.nanoTime();

      assertThatThrownBy(() -> Jdbc.queryString(timed, "SELECT pg_sleep(30)::text")).isInstanceOf(SQLException.class)
          .hasMessageContaining("canceling statement");

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      assertThat(timed.getAutoCommit()).as("everything else passes through").isTrue();
      assertThatThrownBy(() -> timed.setTransactionIsolation(99)).as("the driver's own errors pass through unwrapped")
          .isInstanceOf(SQLException.class);
      timed.close();
      assertThat(connection.isClosed()).isTrue();
    }
  }
}
