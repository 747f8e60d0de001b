package io.rebound.backup.oracle;

import io.rebound.backup.oracle.OracleBackupQueries.PieceRow;
import io.rebound.backup.oracle.OracleBackupQueries.RestoreResult;
import io.rebound.backup.oracle.OracleManifests.ArchivedLog;
import io.rebound.backup.oracle.OracleManifests.BackupRange;
import io.rebound.backup.oracle.OracleManifests.DatabaseIdentity;
import io.rebound.target.Target;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link OraclePhysicalBackups} asks a target's dictionary, one call per question, each over a connection of its
 * own: the seam between the physical layer's jobs and the database, so that the jobs are tested where no Oracle runs.
 * The answers are those of {@link OracleBackupQueries}.
 */
interface OracleDictionary {

  /** The database, where it stands, and its time zone; refuses NOARCHIVELOG. */
  DatabaseIdentity identity(Target target, Optional<ZoneId> zone) throws SQLException;

  List<String> foreignIncrementals(Target target, String parentTag, String ownTag) throws SQLException;

  List<PieceRow> pieces(Target target, String tag, ZoneId zone) throws SQLException;

  BackupRange range(Target target, String tag, String fromScn) throws SQLException;

  /** Archives the current log of every thread. */
  void switchLogs(Target target) throws SQLException;

  Set<Integer> openThreads(Target target) throws SQLException;

  List<ArchivedLog> logsToShip(Target target, String fromScn) throws SQLException;

  List<ArchivedLog> logsCompletedBefore(Target target, Instant before, ZoneId zone) throws SQLException;

  /**
   * The database a restore would replace, as its control file says; none when it does not answer (the instance is
   * down, not mounted, or the connection refused).
   */
  Optional<OracleBackupQueries.Destination> destination(Target target);

  RestoreResult restoreResult(Target target) throws SQLException;

  /** Opens every pluggable database of a container database; false, and nothing done, when it is none. */
  boolean openPluggableDatabases(Target target) throws SQLException;
}
