package io.rebound.backup.oracle;

import io.rebound.backup.oracle.OracleManifests.ArchivedLog;
import io.rebound.backup.oracle.OracleManifests.BackupRange;
import io.rebound.backup.oracle.OracleManifests.DatabaseIdentity;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The dictionary queries of a backup, a log shipment and a restore, with bind variables for every value. SCNs are
 * read as text ({@code TO_CHAR}): they outgrow what some drivers map to a Java integer, and the manifests keep them
 * as text. DATE values are read as {@code YYYY-MM-DD HH24:MI:SS} text and placed in the database host's zone
 * ({@link OracleManifests#instant}): they carry no zone of their own, and the driver would otherwise apply the JVM's.
 * The connected account needs {@code SELECT ANY DICTIONARY} (or {@code SELECT_CATALOG_ROLE}); switching logs needs
 * {@code ALTER SYSTEM}.
 */
public final class OracleBackupQueries {

  private static final String DATE = "'" + OracleManifests.DATE_FORMAT + "'";
  private static final DateTimeFormatter HOST_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  /** DBID, position, log mode, incarnation, the host's current UTC offset, and whether an spfile is in use. */
  static final String IDENTITY = "SELECT TO_CHAR(d.DBID) AS DBID, d.NAME, TO_CHAR(d.CURRENT_SCN) AS CURRENT_SCN, d.LOG_MODE,"
      + " (SELECT i.INCARNATION# FROM V$DATABASE_INCARNATION i WHERE i.STATUS = 'CURRENT') AS INCARNATION,"
      + " TO_CHAR(SYSTIMESTAMP, 'TZH:TZM') AS HOST_OFFSET,"
      + " (SELECT COUNT(*) FROM V$PARAMETER p WHERE p.NAME = 'spfile' AND p.VALUE IS NOT NULL) AS SPFILE"
      + " FROM V$DATABASE d";

  /** The pieces of a backup or batch on disk, by its tag. */
  static final String PIECES = "SELECT p.HANDLE, p.BYTES, TO_CHAR(p.COMPLETION_TIME, " + DATE + ") AS COMPLETED"
      + " FROM V$BACKUP_PIECE p WHERE p.TAG = ? AND p.STATUS = 'A' AND p.DEVICE_TYPE = 'DISK'"
      + " ORDER BY p.SET_STAMP, p.SET_COUNT, p.PIECE#";

  /**
   * A backup's SCN range: recovery reads logs from the lowest checkpoint among the datafiles the backup checkpointed
   * (at or after the SCN read before it began), and the backup is consistent past the highest change in any block it
   * holds (ABSOLUTE_FUZZY_CHANGE#, the checkpoint where that is unknown). Files whose checkpoint is older are clean
   * (read-only tablespaces, the seed of a container database): recovery needs no redo for them, and counting them
   * would ask for logs from long before the backup. File 0 is the control file, not a datafile. Times from the backup
   * sets of the tag, the control file's included.
   */
  static final String RANGE = "SELECT TO_CHAR(NVL(MIN(CASE WHEN f.CHECKPOINT_CHANGE# >= ? THEN f.CHECKPOINT_CHANGE# END),"
      + " MIN(f.CHECKPOINT_CHANGE#))) AS START_SCN,"
      + " TO_CHAR(MAX(GREATEST(f.CHECKPOINT_CHANGE#, NVL(f.ABSOLUTE_FUZZY_CHANGE#, 0)))) AS END_SCN, COUNT(DISTINCT f.FILE#) AS FILES,"
      + " (SELECT TO_CHAR(MIN(s.START_TIME), " + DATE + ") FROM V$BACKUP_SET s WHERE (s.SET_STAMP, s.SET_COUNT) IN"
      + " (SELECT p.SET_STAMP, p.SET_COUNT FROM V$BACKUP_PIECE p WHERE p.TAG = ? AND p.STATUS = 'A')) AS START_TIME,"
      + " (SELECT TO_CHAR(MAX(s.COMPLETION_TIME), " + DATE + ") FROM V$BACKUP_SET s WHERE (s.SET_STAMP, s.SET_COUNT) IN"
      + " (SELECT p.SET_STAMP, p.SET_COUNT FROM V$BACKUP_PIECE p WHERE p.TAG = ? AND p.STATUS = 'A')) AS END_TIME"
      + " FROM V$BACKUP_DATAFILE f WHERE f.FILE# > 0 AND (f.SET_STAMP, f.SET_COUNT) IN"
      + " (SELECT p.SET_STAMP, p.SET_COUNT FROM V$BACKUP_PIECE p WHERE p.TAG = ? AND p.STATUS = 'A')";

  /**
   * Level 0 or 1 datafile backups that something other than Rebound took since our parent began: a differential
   * level 1 would be taken against them and miss blocks that only they hold.
   */
  static final String FOREIGN_INCREMENTALS = "SELECT DISTINCT NVL(p.TAG, '(no tag)') AS TAG FROM V$BACKUP_DATAFILE f"
      + " JOIN V$BACKUP_PIECE p ON p.SET_STAMP = f.SET_STAMP AND p.SET_COUNT = f.SET_COUNT"
      + " WHERE f.FILE# > 0 AND f.INCREMENTAL_LEVEL IN (0, 1) AND p.STATUS = 'A' AND (p.TAG IS NULL OR p.TAG NOT IN (?, ?))"
      + " AND f.COMPLETION_TIME >= (SELECT MIN(q.START_TIME) FROM V$BACKUP_PIECE q WHERE q.TAG = ?) ORDER BY 1";

  /**
   * The archived logs whose redo reaches past an SCN, in the current incarnation: one row per thread and sequence
   * (the lowest destination's copy when a log is archived to several), local destinations only.
   */
  static final String LOGS_TO_SHIP = "SELECT THREAD#, SEQUENCE#, TO_CHAR(FIRST_CHANGE#) AS FIRST_SCN, TO_CHAR(NEXT_CHANGE#) AS NEXT_SCN,"
      + " TO_CHAR(FIRST_TIME, " + DATE + ") AS FIRST_TIME, TO_CHAR(NEXT_TIME, " + DATE + ") AS NEXT_TIME, NAME,"
      + " TO_CHAR(COMPLETION_TIME, " + DATE + ") AS COMPLETED FROM ("
      + "SELECT l.THREAD#, l.SEQUENCE#, l.FIRST_CHANGE#, l.NEXT_CHANGE#, l.FIRST_TIME, l.NEXT_TIME, l.NAME, l.COMPLETION_TIME,"
      + " ROW_NUMBER() OVER (PARTITION BY l.THREAD#, l.SEQUENCE# ORDER BY l.DEST_ID) AS COPY_RANK"
      + " FROM V$ARCHIVED_LOG l WHERE l.ARCHIVED = 'YES' AND l.DELETED = 'NO' AND l.STATUS = 'A' AND l.STANDBY_DEST = 'NO'"
      + " AND l.RESETLOGS_CHANGE# = (SELECT RESETLOGS_CHANGE# FROM V$DATABASE) AND l.NEXT_CHANGE# > ?"
      + ") WHERE COPY_RANK = 1 ORDER BY THREAD#, SEQUENCE#";

  /** Local archived logs that completed before a time (the host's zone): candidates for the local retention. */
  static final String LOGS_COMPLETED_BEFORE = "SELECT THREAD#, SEQUENCE#, TO_CHAR(FIRST_CHANGE#) AS FIRST_SCN,"
      + " TO_CHAR(NEXT_CHANGE#) AS NEXT_SCN, TO_CHAR(FIRST_TIME, " + DATE + ") AS FIRST_TIME, TO_CHAR(NEXT_TIME, " + DATE + ") AS NEXT_TIME,"
      + " NAME, TO_CHAR(COMPLETION_TIME, " + DATE + ") AS COMPLETED FROM V$ARCHIVED_LOG"
      + " WHERE ARCHIVED = 'YES' AND DELETED = 'NO' AND STATUS = 'A' AND STANDBY_DEST = 'NO'"
      + " AND RESETLOGS_CHANGE# = (SELECT RESETLOGS_CHANGE# FROM V$DATABASE)"
      + " AND COMPLETION_TIME < TO_DATE(?, " + DATE + ") ORDER BY THREAD#, SEQUENCE#";

  /** The redo threads of open instances: each must be in a batch for its end to hold. */
  static final String OPEN_THREADS = "SELECT THREAD# FROM V$THREAD WHERE STATUS = 'OPEN' AND ENABLED <> 'DISABLED' ORDER BY THREAD#";

  /** Closes the current log of every thread, so that what was written until now can be shipped. */
  static final String SWITCH_LOGS = "ALTER SYSTEM ARCHIVE LOG CURRENT";

  /** What a restore left: how the database is open, its incarnation, and the files that still need recovery. */
  static final String RESTORE_RESULT = "SELECT d.OPEN_MODE, TO_CHAR(d.RESETLOGS_CHANGE#) AS RESETLOGS_SCN, TO_CHAR(d.CURRENT_SCN) AS CURRENT_SCN,"
      + " (SELECT i.INCARNATION# FROM V$DATABASE_INCARNATION i WHERE i.STATUS = 'CURRENT') AS INCARNATION,"
      + " (SELECT COUNT(*) FROM V$RECOVER_FILE) AS NEED_RECOVERY FROM V$DATABASE d";

  /**
   * The database a restore would replace: its DBID and incarnation (whether its control file can lead to the plan's
   * point), whether it is a container database, and the host's current UTC offset.
   */
  static final String DESTINATION = "SELECT TO_CHAR(d.DBID) AS DBID, d.CDB,"
      + " (SELECT i.INCARNATION# FROM V$DATABASE_INCARNATION i WHERE i.STATUS = 'CURRENT') AS INCARNATION,"
      + " TO_CHAR(SYSTIMESTAMP, 'TZH:TZM') AS HOST_OFFSET FROM V$DATABASE d";

  /** Whether the database is a container database, whose pluggable databases an OPEN RESETLOGS leaves mounted. */
  static final String CONTAINER = "SELECT CDB FROM V$DATABASE";

  static final String OPEN_PLUGGABLES = "ALTER PLUGGABLE DATABASE ALL OPEN";

  private OracleBackupQueries() {}

  /** What a restore left behind. */
  public record RestoreResult(String openMode, String resetlogsScn, String currentScn, long incarnation, int filesNeedingRecovery) {

    /** What is wrong with the restored database, in words; empty when it is open read-write in a new incarnation. */
    public List<String> problems(long incarnationBefore) {
      List<String> problems = new ArrayList<>();
      if (!"READ WRITE".equals(openMode)) {
        problems.add("the database is " + openMode + ", not open READ WRITE");
      }
      if (incarnation == incarnationBefore) {
        problems.add("the database is still in incarnation " + incarnation + ": OPEN RESETLOGS did not run");
      }
      if (filesNeedingRecovery > 0) {
        problems.add(filesNeedingRecovery + " datafile(s) still need recovery (V$RECOVER_FILE)");
      }
      return problems;
    }
  }

  /**
   * The database's identity and position. Refuses a database in NOARCHIVELOG mode: no online backup of it can be
   * made consistent, and no point after the backup can be reached.
   *
   * @param zone the database host's zone when configured; otherwise the host's current UTC offset (right unless a
   *     daylight saving change lies between the times read and now: configure the region to be exact)
   */
  public static DatabaseIdentity identity(Connection connection, Optional<ZoneId> zone) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(IDENTITY); ResultSet row = statement.executeQuery()) {
      row.next();
      DatabaseIdentity identity = new DatabaseIdentity(row.getString("DBID"), row.getString("NAME"), row.getString("CURRENT_SCN"),
          row.getString("LOG_MODE"), row.getLong("INCARNATION"), zone.orElse(ZoneId.of(row.getString("HOST_OFFSET"))), row.getInt("SPFILE") > 0);
      return requireArchivelog(identity);
    }
  }

  static DatabaseIdentity requireArchivelog(DatabaseIdentity identity) {
    if (!"ARCHIVELOG".equals(identity.logMode())) {
      throw new IllegalStateException("database " + identity.name() + " (DBID " + identity.dbid() + ") runs in " + identity.logMode()
          + " mode: RMAN cannot back it up while it is open, nor recover it to any point after a backup. Enable ARCHIVELOG mode"
          + " (SHUTDOWN IMMEDIATE; STARTUP MOUNT; ALTER DATABASE ARCHIVELOG; ALTER DATABASE OPEN) with a log destination"
          + " (DB_RECOVERY_FILE_DEST or LOG_ARCHIVE_DEST_1) that has room");
    }
    return identity;
  }

  /** The handles and sizes of a backup's or batch's pieces, with their completion times. */
  public static List<PieceRow> pieces(Connection connection, String tag, ZoneId zone) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(PIECES)) {
      statement.setString(1, tag);
      List<PieceRow> pieces = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          pieces.add(new PieceRow(rows.getString("HANDLE"), rows.getLong("BYTES"), OracleManifests.instant(rows.getString("COMPLETED"), zone)));
        }
      }
      return pieces;
    }
  }

  /** A piece as the control file records it. */
  public record PieceRow(String handle, long bytes, Instant completed) {}

  /**
   * The SCN range and times of the backup under {@code tag}.
   *
   * @param fromScn the SCN read just before the backup began (the one its script backs up archived logs from)
   */
  public static BackupRange range(Connection connection, String tag, String fromScn) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(RANGE)) {
      statement.setBigDecimal(1, new BigDecimal(RmanScripts.scn(fromScn)));
      statement.setString(2, tag);
      statement.setString(3, tag);
      statement.setString(4, tag);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return new BackupRange(row.getString("START_SCN"), row.getString("END_SCN"), row.getString("START_TIME"), row.getString("END_TIME"),
            row.getInt("FILES"));
      }
    }
  }

  /** The tags of level 0 and 1 backups taken by something else since {@code parentTag} began; empty when none. */
  public static List<String> foreignIncrementals(Connection connection, String parentTag, String ownTag) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(FOREIGN_INCREMENTALS)) {
      statement.setString(1, parentTag);
      statement.setString(2, ownTag);
      statement.setString(3, parentTag);
      List<String> tags = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          tags.add(rows.getString("TAG"));
        }
      }
      return tags;
    }
  }

  /** Why an INCREMENTAL must not be taken now, or none. */
  public static Optional<String> foreignIncrementalsRefusal(String parentId, List<String> foreignTags) {
    if (foreignTags.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("level 0 or 1 backups were taken outside Rebound since backup " + parentId + " (tags " + String.join(", ", foreignTags)
        + "): a differential level 1 now would hold only the changes since those, which are not in the bucket. Take a FULL backup,"
        + " or stop the other incremental backups of this database");
  }

  public static List<ArchivedLog> logsToShip(Connection connection, String fromScn) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(LOGS_TO_SHIP)) {
      statement.setBigDecimal(1, new BigDecimal(RmanScripts.scn(fromScn)));
      return logs(statement);
    }
  }

  public static List<ArchivedLog> logsCompletedBefore(Connection connection, Instant before, ZoneId zone) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(LOGS_COMPLETED_BEFORE)) {
      statement.setString(1, hostTime(before, zone));
      return logs(statement);
    }
  }

  public static Set<Integer> openThreads(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(OPEN_THREADS); ResultSet rows = statement.executeQuery()) {
      Set<Integer> threads = new LinkedHashSet<>();
      while (rows.next()) {
        threads.add(rows.getInt(1));
      }
      return threads;
    }
  }

  public static void switchLogs(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(SWITCH_LOGS)) {
      statement.execute();
    }
  }

  public static RestoreResult restoreResult(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(RESTORE_RESULT); ResultSet row = statement.executeQuery()) {
      row.next();
      return new RestoreResult(row.getString("OPEN_MODE"), row.getString("RESETLOGS_SCN"), row.getString("CURRENT_SCN"),
          row.getLong("INCARNATION"), row.getInt("NEED_RECOVERY"));
    }
  }

  /** The database a restore would replace, as its control file says. */
  public record Destination(String dbid, long incarnation, boolean container, ZoneId hostOffset) {}

  public static Destination destination(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(DESTINATION); ResultSet row = statement.executeQuery()) {
      row.next();
      return new Destination(row.getString("DBID"), row.getLong("INCARNATION"), "YES".equals(row.getString("CDB")),
          ZoneId.of(row.getString("HOST_OFFSET")));
    }
  }

  /** Opens every pluggable database of a container database; false, and nothing done, when it is none. */
  public static boolean openPluggableDatabases(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(CONTAINER); ResultSet row = statement.executeQuery()) {
      row.next();
      if (!"YES".equals(row.getString(1))) {
        return false;
      }
    }
    try (PreparedStatement statement = connection.prepareStatement(OPEN_PLUGGABLES)) {
      statement.execute();
      return true;
    }
  }

  /** A time as the host's DATE text, for a bind variable that TO_DATE reads with an explicit format. */
  static String hostTime(Instant instant, ZoneId zone) {
    return HOST_TIME.format(instant.atZone(zone));
  }

  private static List<ArchivedLog> logs(PreparedStatement statement) throws SQLException {
    List<ArchivedLog> logs = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        logs.add(new ArchivedLog(rows.getInt("THREAD#"), rows.getLong("SEQUENCE#"), rows.getString("FIRST_SCN"), rows.getString("NEXT_SCN"),
            rows.getString("FIRST_TIME"), rows.getString("NEXT_TIME"), rows.getString("NAME"), rows.getString("COMPLETED")));
      }
    }
    return logs;
  }
}
