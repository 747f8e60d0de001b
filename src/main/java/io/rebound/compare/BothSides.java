package io.rebound.compare;

import io.rebound.compare.ChunkDiff.RowHashes;
import io.rebound.compare.CompareSql.SessionLimits;
import io.rebound.compare.TableComparator.Side;
import io.rebound.target.Jdbc;
import io.rebound.target.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Both sides of a comparison at work: their connections, each in a read-only transaction within the session
 * limits, and their statements run at once, one thread a side, so that neither waits for the other; and what
 * each statement's rows are read into.
 */
final class BothSides {

  /** Work on one side, or on both. */
  interface Work<T> {
    T run() throws SQLException;
  }

  /** Work given both sides' sessions. */
  interface SessionWork<T> {
    T run(Side source, Side destination) throws SQLException;
  }

  /** What each side answered. */
  record Answers<T>(T source, T destination) {}

  private final Executor pool;

  BothSides(Executor pool) {
    this.pool = pool;
  }

  /** Runs each side's work on a thread of its own, and waits for both; the first failure is thrown, a SQL one as it was. */
  <T> Answers<T> run(Work<T> source, Work<T> destination) throws SQLException {
    CompletableFuture<T> theirs = async(destination);
    T mine = join(async(source));
    return new Answers<>(mine, join(theirs));
  }

  private <T> CompletableFuture<T> async(Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, pool);
  }

  private static <T> T join(CompletableFuture<T> future) throws SQLException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e;
    }
  }

  /**
   * Runs work with a read-only transaction on each side, rolled back after, as the targets' comparison
   * accounts and within the statement and lock timeouts.
   */
  static <T> T inReadOnlySessions(Target sourceTarget, CompareSql sourceSql, Target destinationTarget, CompareSql destinationSql,
      SessionLimits limits, SessionWork<T> work) throws SQLException {
    try (Connection source = sourceTarget.pooledConnection(); Connection destination = destinationTarget.pooledConnection()) {
      try {
        Connection sourceSession = sourceSql.beginReadOnly(source, limits);
        Connection destinationSession = destinationSql.beginReadOnly(destination, limits);
        return work.run(new Side(sourceSession, sourceSql), new Side(destinationSession, destinationSql));
      } finally {
        rollbackQuietly(source);
        rollbackQuietly(destination);
      }
    }
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      // the pool discards a broken connection
    }
  }

  /** A side's hashes of a range by bucket ({@link CompareSql#hashQuery}). */
  static Map<Long, ChunkHash> hashes(Side side, String sql, List<Object> binds) throws SQLException {
    try (PreparedStatement statement = side.connection().prepareStatement(sql)) {
      Jdbc.bind(statement, binds.toArray());
      statement.setFetchSize(5000);
      Map<Long, ChunkHash> buckets = new HashMap<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          buckets.put(rows.getLong(1), new ChunkHash(rows.getLong(2), rows.getBigDecimal(3), rows.getBigDecimal(4)));
        }
      }
      return buckets;
    }
  }

  /** A side's keys and row hashes of some buckets ({@link CompareSql#drillQuery}). */
  static RowHashes rowHashes(Side side, String sql, List<Object> binds, int keyCount) throws SQLException {
    try (PreparedStatement statement = side.connection().prepareStatement(sql)) {
      Jdbc.bind(statement, binds.toArray());
      statement.setFetchSize(1000);
      Map<String, String> hashes = new HashMap<>();
      Map<String, List<String>> keys = new HashMap<>();
      long bytes = 0;
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          List<String> key = new ArrayList<>(keyCount);
          for (int i = 1; i <= keyCount; i++) {
            String value = rows.getString(i);
            key.add(value);
            bytes += value == null ? 1 : value.length();
          }
          String hash = rows.getString(keyCount + 1);
          bytes += hash.length();
          String text = ChunkDiff.keyText(key);
          hashes.put(text, hash);
          keys.put(text, key);
        }
      }
      return new RowHashes(hashes, keys, bytes);
    }
  }

  /** A side's rows read again by key ({@link CompareSql#rowsByKeyQuery}): their normalised values by their key's text. */
  static Map<String, List<String>> rows(Side side, String sql, List<Object> binds, int keyCount) throws SQLException {
    try (PreparedStatement statement = side.connection().prepareStatement(sql)) {
      Jdbc.bind(statement, binds.toArray());
      Map<String, List<String>> rows = new HashMap<>();
      try (ResultSet result = statement.executeQuery()) {
        int count = result.getMetaData().getColumnCount();
        while (result.next()) {
          List<String> values = new ArrayList<>(count);
          for (int i = 1; i <= count; i++) {
            values.add(result.getString(i));
          }
          rows.put(ChunkDiff.keyText(values.subList(0, keyCount)), values);
        }
      }
      return rows;
    }
  }
}
