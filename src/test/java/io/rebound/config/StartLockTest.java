package io.rebound.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
    postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
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
    assertThat(lock.holds()).as("taken before the engine is built").isTrue();
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
  void shouldStopWaitingWhenInterruptedAndGiveItsConnectionBack() throws Exception {
    StartLock first = new StartLock(engine);
    first.acquire();
    Pool pool = new Pool(engine);
    try {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean stillInterrupted = new AtomicBoolean();
      Thread waiting = new Thread(() -> {
        try {
          new StartLock(pool.dataSource()).acquire();
        } catch (IllegalStateException e) {
          failure.set(e);
          stillInterrupted.set(Thread.currentThread().isInterrupted());
        }
      });
      waiting.start();
      waiting.join(400);
      assertThat(waiting.isAlive()).as("it waits").isTrue();
      waiting.interrupt();

      waiting.join(10_000);
      assertThat(waiting.isAlive()).isFalse();
      assertThat(failure.get()).hasMessageContaining("interrupted");
      assertThat(stillInterrupted).isTrue();
      assertThat(pool.givenBack()).isEqualTo(1);
    } finally {
      first.release();
      pool.close();
    }
  }

  @Test
  void shouldLockNothingOnH2() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:start-lock;DB_CLOSE_DELAY=-1");
    Pool pool = new Pool(h2);
    StartLock lock = new StartLock(pool.dataSource());
    StartLock other = new StartLock(pool.dataSource());

    lock.acquire();
    other.acquire();

    assertThat(lock.holds()).isFalse();
    assertThat(other.holds()).isFalse();
    assertThat(pool.givenBack()).isEqualTo(2);
    lock.release();
    pool.close();
  }

  @Test
  void shouldGiveItsConnectionBackToThePoolWithoutTheLockAndOutsideATransaction() throws SQLException {
    // A pool keeps the session when a connection is given back: the lock must have been released, not left to the session's end.
    Pool pool = new Pool(engine);
    StartLock lock = new StartLock(pool.dataSource());
    lock.acquire();
    assertThat(lockHolders()).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'"))
        .as("no transaction stays open for the length of a start").isZero();

    lock.release();

    assertThat(pool.givenBack()).isEqualTo(1);
    assertThat(lockHolders()).isZero();
    pool.close();
  }

  @Test
  void shouldGiveItsConnectionBackWhenItGivesUpOrTheDatabaseFails() throws SQLException {
    StartLock first = new StartLock(engine);
    first.acquire();
    Pool pool = new Pool(engine);
    try {
      assertThatThrownBy(() -> new StartLock(pool.dataSource(), Duration.ofMillis(100)).acquire()).isInstanceOf(IllegalStateException.class);
      assertThat(pool.givenBack()).isEqualTo(1);
    } finally {
      first.release();
    }

    pool.failStatements = true;
    assertThatThrownBy(() -> new StartLock(pool.dataSource()).acquire()).isInstanceOf(IllegalStateException.class)
        .hasCauseInstanceOf(SQLException.class);
    assertThat(pool.givenBack()).isEqualTo(2);
    pool.close();
  }

  @Test
  void shouldSayWhenTheEngineDatabaseCannotBeReached() throws SQLException {
    DataSource unreachable = new org.postgresql.ds.PGSimpleDataSource();
    ((org.postgresql.ds.PGSimpleDataSource) unreachable).setURL("jdbc:postgresql://localhost:1/none?connectTimeout=2");

    assertThatThrownBy(() -> new StartLock(unreachable).acquire()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot take this node's turn").hasCauseInstanceOf(SQLException.class);
  }

  /**
   * Connections as a pool hands them out: in a transaction of their own until told otherwise, and given back
   * (not closed) when closed. Counts what was given back; can make every statement fail.
   */
  static final class Pool {
    final DataSource real;
    final List<Connection> opened = new ArrayList<>();
    int givenBack;
    boolean failStatements;

    Pool(DataSource real) {
      this.real = real;
    }

    DataSource dataSource() {
      return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
        if (!method.getName().equals("getConnection")) {
          return method.invoke(real, args);
        }
        Connection connection = real.getConnection();
        connection.setAutoCommit(false);
        opened.add(connection);
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (c, m, a) -> {
          if (m.getName().equals("close")) {
            givenBack++;
            connection.rollback();
            return null;
          }
          if (failStatements && m.getName().equals("prepareStatement")) {
            throw new SQLException("the database went away");
          }
          try {
            return m.invoke(connection, a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
      });
    }

    int givenBack() {
      return givenBack;
    }

    void close() throws SQLException {
      for (Connection connection : opened) {
        connection.close();
      }
    }
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
