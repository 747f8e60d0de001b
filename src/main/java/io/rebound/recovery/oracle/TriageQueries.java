package io.rebound.recovery.oracle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the control file says about a database that needs recovery: every view read here answers in MOUNT state (the
 * {@code V$} views the control file backs), so triage works on a database that does not open. SCNs are read as text
 * ({@code TO_CHAR}): they outgrow what some drivers map to a Java integer. The session must be SYSDBA (or SYSBACKUP)
 * to read a database that is only mounted; once it is open, {@code SELECT ANY DICTIONARY} is enough.
 */
public final class TriageQueries {

  /** Log mode, open mode, checkpoint, container or not, and the undo tablespace of the instance. */
  static final String DATABASE = "SELECT TO_CHAR(d.DBID) AS DBID, d.NAME, d.LOG_MODE, d.OPEN_MODE,"
      + " TO_CHAR(d.CHECKPOINT_CHANGE#) AS CHECKPOINT_SCN, TO_CHAR(d.RESETLOGS_CHANGE#) AS RESETLOGS_SCN, d.CDB,"
      + " (SELECT p.VALUE FROM V$PARAMETER p WHERE p.NAME = 'undo_tablespace') AS UNDO_TABLESPACE"
      + " FROM V$DATABASE d";

  /**
   * Every datafile with its tablespace (joined within its container: a tablespace number is unique only there), its
   * status (ONLINE, OFFLINE, SYSTEM, RECOVER, SYSOFF) and checkpoint.
   */
  static final String DATAFILES = "SELECT f.FILE#, f.CON_ID, f.NAME, f.STATUS, f.ENABLED, TO_CHAR(f.CHECKPOINT_CHANGE#) AS CHECKPOINT_SCN,"
      + " t.NAME AS TABLESPACE FROM V$DATAFILE f JOIN V$TABLESPACE t ON t.TS# = f.TS# AND t.CON_ID = f.CON_ID ORDER BY f.FILE#";

  /** The datafiles that need media recovery, why, and the SCN their recovery starts at. */
  static final String RECOVER_FILES = "SELECT r.FILE#, r.ONLINE_STATUS, r.ERROR, TO_CHAR(r.CHANGE#) AS CHANGE_SCN"
      + " FROM V$RECOVER_FILE r ORDER BY r.FILE#";

  /**
   * The archived logs of the current incarnation still on disk (one row per thread and sequence), from the lowest
   * SCN recovery needs: whether complete recovery can run from local logs, or needs the shipped ones.
   */
  static final String ARCHIVED_LOGS = "SELECT DISTINCT THREAD#, SEQUENCE#, TO_CHAR(FIRST_CHANGE#) AS FIRST_SCN,"
      + " TO_CHAR(NEXT_CHANGE#) AS NEXT_SCN FROM V$ARCHIVED_LOG WHERE ARCHIVED = 'YES' AND DELETED = 'NO' AND STATUS = 'A'"
      + " AND STANDBY_DEST = 'NO' AND RESETLOGS_CHANGE# = (SELECT RESETLOGS_CHANGE# FROM V$DATABASE) AND NEXT_CHANGE# > ?"
      + " ORDER BY THREAD#, SEQUENCE#";

  /** Where each thread's online redo begins: redo from there on needs no archived log. */
  static final String ONLINE_LOG_STARTS = "SELECT THREAD#, TO_CHAR(MIN(FIRST_CHANGE#)) AS FIRST_SCN FROM V$LOG"
      + " WHERE STATUS <> 'UNUSED' GROUP BY THREAD# ORDER BY THREAD#";

  private TriageQueries() {}

  /** V$DATABASE, as triage reads it. */
  public record DatabaseState(String dbid, String name, String logMode, String openMode, String checkpointScn, String resetlogsScn,
      boolean container, String undoTablespace) {

    public boolean archivelog() {
      return "ARCHIVELOG".equals(logMode);
    }

    public boolean open() {
      return openMode != null && openMode.startsWith("READ");
    }
  }

  /** One row of V$DATAFILE with its tablespace's name. */
  public record Datafile(int number, int container, String name, String status, String enabled, String checkpointScn, String tablespace) {}

  /** One row of V$RECOVER_FILE: a datafile that needs media recovery from {@code changeScn}. */
  public record RecoverFile(int number, String onlineStatus, String error, String changeScn) {

    /** Listed as taken offline normally: V$RECOVER_FILE names it, but it needs no recovery. */
    public boolean recoveryNotNeeded() {
      return "OFFLINE NORMAL".equals(error);
    }

    /** The file is not there (or not readable): it must be restored, not only recovered. */
    public boolean missing() {
      return error != null && (error.contains("NOT FOUND") || error.contains("CANNOT OPEN") || error.contains("WRONG FILE")
          || error.contains("CORRUPT"));
    }
  }

  /** An archived log on disk, by thread and sequence, with the SCNs its redo spans. */
  public record ArchivedLog(int thread, long sequence, String firstScn, String nextScn) {}

  public static DatabaseState database(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(DATABASE); ResultSet row = statement.executeQuery()) {
      row.next();
      return new DatabaseState(row.getString("DBID"), row.getString("NAME"), row.getString("LOG_MODE"), row.getString("OPEN_MODE"),
          row.getString("CHECKPOINT_SCN"), row.getString("RESETLOGS_SCN"), "YES".equals(row.getString("CDB")),
          row.getString("UNDO_TABLESPACE"));
    }
  }

  public static List<Datafile> datafiles(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(DATAFILES); ResultSet rows = statement.executeQuery()) {
      List<Datafile> files = new ArrayList<>();
      while (rows.next()) {
        files.add(new Datafile(rows.getInt("FILE#"), rows.getInt("CON_ID"), rows.getString("NAME"), rows.getString("STATUS"),
            rows.getString("ENABLED"), rows.getString("CHECKPOINT_SCN"), rows.getString("TABLESPACE")));
      }
      return files;
    }
  }

  public static List<RecoverFile> recoverFiles(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(RECOVER_FILES); ResultSet rows = statement.executeQuery()) {
      List<RecoverFile> files = new ArrayList<>();
      while (rows.next()) {
        files.add(new RecoverFile(rows.getInt("FILE#"), rows.getString("ONLINE_STATUS"), rows.getString("ERROR"),
            rows.getString("CHANGE_SCN")));
      }
      return files;
    }
  }

  public static List<ArchivedLog> archivedLogs(Connection connection, String fromScn) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(ARCHIVED_LOGS)) {
      statement.setBigDecimal(1, new java.math.BigDecimal(MediaRecoveryScripts.scn(fromScn)));
      List<ArchivedLog> logs = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          logs.add(new ArchivedLog(rows.getInt("THREAD#"), rows.getLong("SEQUENCE#"), rows.getString("FIRST_SCN"),
              rows.getString("NEXT_SCN")));
        }
      }
      return logs;
    }
  }

  /** The SCN at which each thread's oldest online log begins, by thread. */
  public static Map<Integer, String> onlineLogStarts(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(ONLINE_LOG_STARTS); ResultSet rows = statement.executeQuery()) {
      Map<Integer, String> starts = new LinkedHashMap<>();
      while (rows.next()) {
        starts.put(rows.getInt("THREAD#"), rows.getString("FIRST_SCN"));
      }
      return starts;
    }
  }
}
