package io.rebound.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every session Rebound opens to a target carries its timeouts, on a real PostgreSQL server, so that a
 * target that hangs or a lock that is never released fails a step instead of holding it forever.
 */
class TargetSessionsIT {

  static EmbeddedPostgres postgres;
  static Targets targets;

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
    targets = new Targets(new io.rebound.config.ReboundProperties(null, null, null, null));
  }

  @AfterAll
  static void stop() throws IOException {
    targets.destroy();
    postgres.close();
  }

  private static Target target(String name, Duration statementTimeout, Duration lockTimeout) {
    targets.register(name, new TargetProperties(Dialect.POSTGRESQL, postgres.getJdbcUrl("postgres", "postgres"), "postgres", null, null, null,
        null, null, null, null, null, null, null, null, Duration.ofSeconds(5), statementTimeout, lockTimeout));
    return targets.get(name);
  }

  @Test
  void shouldSetTheTimeoutsOnEveryConnectionItOpens() throws SQLException {
    Target target = target("settings", Duration.ofSeconds(90), Duration.ofSeconds(7));

    try (Connection privileged = target.connect(); Connection pooled = target.pooledConnection()) {
      for (Connection connection : List.of(privileged, pooled)) {
        assertThat(setting(connection, "statement_timeout")).isEqualTo("90s");
        assertThat(setting(connection, "lock_timeout")).isEqualTo("7s");
      }
    }
  }

  @Test
  void shouldCancelAStatementThatRunsLongerThanTheStatementTimeout() {
    Target target = target("slow", Duration.ofMillis(300), Duration.ofSeconds(5));

    assertThatThrownBy(() -> {
      try (Connection connection = target.connect(); Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_sleep(30)");
      }
    }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"))
        .hasMessageContaining("statement timeout");
  }

  @Test
  void shouldGiveUpADropThatWaitsForAnotherSessionsLock() throws SQLException {
    Target target = target("locked", Duration.ofMinutes(1), Duration.ofMillis(300));
    try (Connection owner = postgres.getPostgresDatabase().getConnection()) {
      execute(owner, "CREATE TABLE IF NOT EXISTS held (id int)");
      owner.setAutoCommit(false);
      execute(owner, "LOCK TABLE held IN ACCESS SHARE MODE");

      assertThatThrownBy(() -> {
        try (Connection connection = target.connect()) {
          execute(connection, "DROP TABLE held");
        }
      }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P03"))
          .hasMessageContaining("lock timeout");
      owner.rollback();
    }
  }

  @Test
  void shouldGiveUpConnectingToAServerThatNeverAnswers() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(silent.accept());
          }
        } catch (IOException e) {
          // closed at the end of the test
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Map<Dialect, String> urls = Map.of(
          Dialect.POSTGRESQL, "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/postgres",
          Dialect.ORACLE, "jdbc:oracle:thin:@//127.0.0.1:" + silent.getLocalPort() + "/FREEPDB1");
      for (Map.Entry<Dialect, String> url : urls.entrySet()) {
        String name = "silent-" + url.getKey().name().toLowerCase();
        targets.register(name, new TargetProperties(url.getKey(), url.getValue(), "nobody", "pw", null, null, null, null, null, null, null,
            null, null, null, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofMinutes(1)));

        // Without a connect timeout the driver would wait on the socket for as long as the statement may run.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
            assertThatThrownBy(() -> targets.get(name).connect().close()).as(name).isInstanceOf(SQLException.class));
      }
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  private static String setting(Connection connection, String name) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT current_setting('" + name + "')")) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
