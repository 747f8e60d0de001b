package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nodes starting on one PostgreSQL engine database take turns; a node that dies gives up its turn with its connection. */
class StartLockTest {

  static EmbeddedPostgres postgres;
  static DataSource engine;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    engine = postgres.getPostgresDatabase();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    postgres.close();
  }

  @Test
  void shouldLetASecondNodeStartOnlyOnceTheFirstIsReady() throws Exception {
    StartLock first = new StartLock(engine);
    StartLock second = new StartLock(engine);
    first.acquire();
    assertThat(first.holds()).isTrue();
    assertThat(lockHolders()).isEqualTo(1);

    CompletableFuture<Void> waiting = CompletableFuture.runAsync(second::acquire);
    assertThat(waiting).as("the second node waits").failsWithin(600, TimeUnit.MILLISECONDS);
    first.release();

    waiting.get(10, TimeUnit.SECONDS);
    assertThat(first.holds()).isFalse();
    assertThat(second.holds()).isTrue();
    second.destroy();
    assertThat(second.holds()).isFalse();
    assertThat(lockHolders()).isZero();
  }

  @Test
  void shouldTakeItsTurnOnceAndGiveItBackOnce() {
    StartLock lock = new StartLock(engine);
    lock.preInit(null);
    lock.acquire();
    assertThat(lockHolders()).isEqualTo(1);
    lock.release();
    lock.release();
    assertThat(lockHolders()).isZero();
    assertThat(lock.holds()).isFalse();
  }

  @Test
  void shouldGoOnWhenTheNodeHoldingTheTurnDies() throws Exception {
    StartLock dying = new StartLock(engine);
    dying.acquire();
    StartLock next = new StartLock(engine);
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(next::acquire);
    assertThat(waiting).failsWithin(400, TimeUnit.MILLISECONDS);

    // Its process is killed: the server ends its session.
    try (Connection connection = engine.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted");
    }

    waiting.get(10, TimeUnit.SECONDS);
    assertThat(next.holds()).isTrue();
    next.release();
    dying.release();
    assertThat(lockHolders()).isZero();
  }

  @Test
  void shouldGiveUpAfterWaitingItsPatience() {
    StartLock first = new StartLock(engine);
    first.acquire();
    try {
      StartLock impatient = new StartLock(engine, Duration.ofMillis(300));
      assertThatThrownBy(impatient::acquire).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Another Rebound node has been starting on this engine database");
      assertThat(impatient.holds()).isFalse();
      assertThat(lockHolders()).isEqualTo(1);
    } finally {
      first.release();
    }
  }

  @Test
  void shouldLockNothingOnH2() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:start-lock;DB_CLOSE_DELAY=-1");
    StartLock lock = new StartLock(h2);
    StartLock other = new StartLock(h2);

    lock.acquire();
    other.acquire();

    assertThat(lock.holds()).isFalse();
    assertThat(other.holds()).isFalse();
    lock.release();
  }

  @Test
  void shouldSayWhenTheEngineDatabaseCannotBeReached() throws SQLException {
    DataSource unreachable = new org.postgresql.ds.PGSimpleDataSource();
    ((org.postgresql.ds.PGSimpleDataSource) unreachable).setURL("jdbc:postgresql://localhost:1/none?connectTimeout=2");

    assertThatThrownBy(() -> new StartLock(unreachable).acquire()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot take this node's turn").hasCauseInstanceOf(SQLException.class);
  }

  private static int lockHolders() {
    return count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = " + (StartLock.KEY & 0xffffffffL));
  }

  private static int count(String sql) {
    try (Connection connection = engine.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
