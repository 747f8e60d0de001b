package io.rebound.config;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Nodes that start at once on one engine database take turns at what a start writes there: Camunda creating or
 * updating its tables and deploying the processes, the administrator from {@code rebound.admin.*}
 * ({@link ProductionStart}), the groups, authorizations and approvals filter ({@link AuthorizationSetup}), the
 * demo's users. Each of those checks what is there and adds what is missing, which is right only when no other
 * node does the same in between: two nodes would both create the filter, and the second insert of a group, an
 * authorization or the administrator fails its start.
 *
 * <p>The turn is a PostgreSQL advisory lock held by one connection from before the engine is built (a process
 * engine plugin's first call) until the application is ready, after every start listener. A node that dies
 * holding it loses its connection, and with it the lock: the next node goes on at once. On other engine databases
 * (H2 keeps to one process) nothing is locked.
 */
@Component
class StartLock extends AbstractProcessEnginePlugin implements DisposableBean {

  /** Rebound's start, among the advisory locks of the engine database ("REBOUND" in ASCII; Flyway's keys are others). */
  static final long KEY = 0x5245424f554e44L;
  private static final Logger LOG = LoggerFactory.getLogger(StartLock.class);

  private final DataSource dataSource;
  private final Duration patience;
  private Connection held;

  @Autowired
  StartLock(DataSource dataSource) {
    this(dataSource, Duration.ofMinutes(10));
  }

  /** @param patience how long to wait for another node's start before this one gives up */
  StartLock(DataSource dataSource, Duration patience) {
    this.dataSource = dataSource;
    this.patience = patience;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    acquire();
  }

  /** Waits for this node's turn; returns at once where the engine database is not PostgreSQL. */
  synchronized void acquire() {
    if (held != null) {
      return;
    }
    Connection connection = null;
    try {
      connection = dataSource.getConnection();
      if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
        connection.close();
        return;
      }
      connection.setAutoCommit(true);
      long deadline = System.nanoTime() + patience.toNanos();
      boolean told = false;
      while (!tryLock(connection)) {
        if (!told) {
          LOG.info("Another Rebound node is starting on this engine database; this one starts when it is ready");
          told = true;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Another Rebound node has been starting on this engine database for more than "
              + patience.toMinutes() + " minutes; this one gives up (see that node's log)");
        }
        Thread.sleep(200);
      }
      held = connection;
    } catch (SQLException e) {
      close(connection);
      throw new IllegalStateException("cannot take this node's turn to start on the engine database", e);
    } catch (InterruptedException e) {
      close(connection);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for another node's start", e);
    } catch (RuntimeException e) {
      close(connection);
      throw e;
    }
  }

  /** The start is done: every listener that writes to the engine database ran before this one. */
  @EventListener(ApplicationReadyEvent.class)
  @Order(Ordered.LOWEST_PRECEDENCE)
  public synchronized void release() {
    if (held == null) {
      return;
    }
    try (PreparedStatement unlock = held.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      unlock.setLong(1, KEY);
      unlock.execute();
    } catch (SQLException e) {
      // The connection is gone, and with its session the lock.
    } finally {
      close(held);
      held = null;
    }
  }

  /** A start that fails lets the next node go on. */
  @Override
  public void destroy() {
    release();
  }

  synchronized boolean holds() {
    return held != null;
  }

  private static boolean tryLock(Connection connection) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      lock.setLong(1, KEY);
      try (ResultSet result = lock.executeQuery()) {
        return result.next() && result.getBoolean(1);
      }
    }
  }

  private static void close(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing left to release
    }
  }
}
