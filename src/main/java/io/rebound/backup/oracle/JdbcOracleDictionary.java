package io.rebound.backup.oracle;

import io.rebound.backup.oracle.OracleBackupQueries.Destination;
import io.rebound.backup.oracle.OracleBackupQueries.PieceRow;
import io.rebound.backup.oracle.OracleBackupQueries.RestoreResult;
import io.rebound.backup.oracle.OracleManifests.ArchivedLog;
import io.rebound.backup.oracle.OracleManifests.BackupRange;
import io.rebound.backup.oracle.OracleManifests.DatabaseIdentity;
import io.rebound.target.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link OracleDictionary} over the target's own connections, as its privileged user. */
final class JdbcOracleDictionary implements OracleDictionary {

  private interface Query<T> {
    T on(Connection connection) throws SQLException;
  }

  private static <T> T ask(Target target, Query<T> query) throws SQLException {
    try (Connection connection = target.connect()) {
      return query.on(connection);
    }
  }

  @Override
  public DatabaseIdentity identity(Target target, Optional<ZoneId> zone) throws SQLException {
    return ask(target, connection -> OracleBackupQueries.identity(connection, zone));
  }

  @Override
  public List<String> foreignIncrementals(Target target, String parentTag, String ownTag) throws SQLException {
    return ask(target, connection -> OracleBackupQueries.foreignIncrementals(connection, parentTag, ownTag));
  }

  @Override
  public List<PieceRow> pieces(Target target, String tag, ZoneId zone) throws SQLException {
    return ask(target, connection -> OracleBackupQueries.pieces(connection, tag, zone));
  }

  @Override
  public BackupRange range(Target target, String tag, String fromScn) throws SQLException {
    return ask(target, connection -> OracleBackupQueries.range(connection, tag, fromScn));
  }

  @Override
  public void switchLogs(Target target) throws SQLException {
    ask(target, connection -> {
      OracleBackupQueries.switchLogs(connection);
      return null;
    });
  }

  @Override
  public Set<Integer> openThreads(Target target) throws SQLException {
    return ask(target, OracleBackupQueries::openThreads);
  }

  @Override
  public List<ArchivedLog> logsToShip(Target target, String fromScn) throws SQLException {
    return ask(target, connection -> OracleBackupQueries.logsToShip(connection, fromScn));
  }

  @Override
  public List<ArchivedLog> logsCompletedBefore(Target target, Instant before, ZoneId zone) throws SQLException {
    return ask(target, connection -> OracleBackupQueries.logsCompletedBefore(connection, before, zone));
  }

  @Override
  public Optional<Destination> destination(Target target) {
    try {
      return Optional.of(ask(target, OracleBackupQueries::destination));
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  @Override
  public RestoreResult restoreResult(Target target) throws SQLException {
    return ask(target, OracleBackupQueries::restoreResult);
  }

  @Override
  public boolean openPluggableDatabases(Target target) throws SQLException {
    return ask(target, OracleBackupQueries::openPluggableDatabases);
  }
}
