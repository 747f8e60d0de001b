package io.rebound.backup.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.oracle.OracleBackupQueries.RestoreResult;
import io.rebound.backup.oracle.OracleManifests.DatabaseIdentity;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class OracleBackupQueriesTest {

  static long binds(String sql) {
    return sql.chars().filter(c -> c == '?').count();
  }

  @Test
  void shouldReadTheIdentityPositionModeIncarnationZoneAndSpfileInOneQuery() {
    assertThat(OracleBackupQueries.IDENTITY).contains("TO_CHAR(d.DBID)", "TO_CHAR(d.CURRENT_SCN)", "d.LOG_MODE",
        "FROM V$DATABASE_INCARNATION i WHERE i.STATUS = 'CURRENT'", "TO_CHAR(SYSTIMESTAMP, 'TZH:TZM')",
        "V$PARAMETER p WHERE p.NAME = 'spfile' AND p.VALUE IS NOT NULL");
    assertThat(binds(OracleBackupQueries.IDENTITY)).isZero();
  }

  @Test
  void shouldFindABackupsPiecesAndRangeByItsTagAsABindVariable() {
    assertThat(OracleBackupQueries.PIECES).contains("FROM V$BACKUP_PIECE p WHERE p.TAG = ? AND p.STATUS = 'A' AND p.DEVICE_TYPE = 'DISK'",
        "TO_CHAR(p.COMPLETION_TIME, 'YYYY-MM-DD HH24:MI:SS')");
    assertThat(binds(OracleBackupQueries.PIECES)).isEqualTo(1);
    assertThat(OracleBackupQueries.RANGE).contains(
        "NVL(MIN(CASE WHEN f.CHECKPOINT_CHANGE# >= ? THEN f.CHECKPOINT_CHANGE# END), MIN(f.CHECKPOINT_CHANGE#))",
        "MAX(GREATEST(f.CHECKPOINT_CHANGE#, NVL(f.ABSOLUTE_FUZZY_CHANGE#, 0)))", "f.FILE# > 0", "V$BACKUP_SET s",
        "MIN(s.START_TIME)", "MAX(s.COMPLETION_TIME)");
    assertThat(binds(OracleBackupQueries.RANGE)).isEqualTo(4);
  }

  @Test
  void shouldLookForOtherIncrementalBackupsSinceTheParentBegan() {
    assertThat(OracleBackupQueries.FOREIGN_INCREMENTALS).contains("f.INCREMENTAL_LEVEL IN (0, 1)", "p.TAG NOT IN (?, ?)",
        "f.COMPLETION_TIME >= (SELECT MIN(q.START_TIME) FROM V$BACKUP_PIECE q WHERE q.TAG = ?)");
    assertThat(binds(OracleBackupQueries.FOREIGN_INCREMENTALS)).isEqualTo(3);
    assertThat(OracleBackupQueries.foreignIncrementalsRefusal("b1", List.of())).isEmpty();
    assertThat(OracleBackupQueries.foreignIncrementalsRefusal("b1", List.of("TAG20261129T120000", "(no tag)")))
        .contains("level 0 or 1 backups were taken outside Rebound since backup b1 (tags TAG20261129T120000, (no tag)): a differential"
            + " level 1 now would hold only the changes since those, which are not in the bucket. Take a FULL backup, or stop the other"
            + " incremental backups of this database");
  }

  @Test
  void shouldListLogsToShipOncePerSequenceFromLocalDestinationsOfTheCurrentIncarnation() {
    assertThat(OracleBackupQueries.LOGS_TO_SHIP).contains("ARCHIVED = 'YES'", "DELETED = 'NO'", "STATUS = 'A'", "STANDBY_DEST = 'NO'",
        "RESETLOGS_CHANGE# = (SELECT RESETLOGS_CHANGE# FROM V$DATABASE)", "NEXT_CHANGE# > ?",
        "ROW_NUMBER() OVER (PARTITION BY l.THREAD#, l.SEQUENCE# ORDER BY l.DEST_ID)", "COPY_RANK = 1", "ORDER BY THREAD#, SEQUENCE#",
        "TO_CHAR(FIRST_TIME, 'YYYY-MM-DD HH24:MI:SS')", "TO_CHAR(NEXT_TIME, 'YYYY-MM-DD HH24:MI:SS')",
        "TO_CHAR(COMPLETION_TIME, 'YYYY-MM-DD HH24:MI:SS')");
    assertThat(binds(OracleBackupQueries.LOGS_TO_SHIP)).isEqualTo(1);
    assertThat(OracleBackupQueries.LOGS_COMPLETED_BEFORE).contains("COMPLETION_TIME < TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS')",
        "DELETED = 'NO'", "STANDBY_DEST = 'NO'");
    assertThat(binds(OracleBackupQueries.LOGS_COMPLETED_BEFORE)).isEqualTo(1);
    assertThat(OracleBackupQueries.OPEN_THREADS).contains("STATUS = 'OPEN'", "ENABLED <> 'DISABLED'");
    assertThat(OracleBackupQueries.SWITCH_LOGS).isEqualTo("ALTER SYSTEM ARCHIVE LOG CURRENT");
  }

  @Test
  void shouldGiveBindTimesInTheHostsZone() {
    assertThat(OracleBackupQueries.hostTime(Instant.parse("2026-07-30T00:00:04Z"), ZoneId.of("Europe/Lisbon"))).isEqualTo("2026-07-30 01:00:04");
  }

  @Test
  void shouldRefuseADatabaseInNoarchivelogModeSayingHowToEnableIt() {
    DatabaseIdentity archiving = new DatabaseIdentity("1", "ORCL", "5", "ARCHIVELOG", 1, ZoneId.of("UTC"), true);
    assertThat(OracleBackupQueries.requireArchivelog(archiving)).isSameAs(archiving);

    assertThatThrownBy(() -> OracleBackupQueries.requireArchivelog(new DatabaseIdentity("1613387266", "ORCL", "5", "NOARCHIVELOG", 1,
        ZoneId.of("UTC"), true))).hasMessage("database ORCL (DBID 1613387266) runs in NOARCHIVELOG mode: RMAN cannot back it up while it is"
            + " open, nor recover it to any point after a backup. Enable ARCHIVELOG mode (SHUTDOWN IMMEDIATE; STARTUP MOUNT; ALTER"
            + " DATABASE ARCHIVELOG; ALTER DATABASE OPEN) with a log destination (DB_RECOVERY_FILE_DEST or LOG_ARCHIVE_DEST_1) that has room");
  }

  @Test
  void shouldJudgeARestoreByOpenModeIncarnationAndFilesNeedingRecovery() {
    assertThat(OracleBackupQueries.RESTORE_RESULT).contains("d.OPEN_MODE", "V$RECOVER_FILE", "STATUS = 'CURRENT'");
    assertThat(new RestoreResult("READ WRITE", "2514877", "2515000", 3, 0).problems(2)).isEmpty();
    assertThat(new RestoreResult("MOUNTED", "2514877", "2515000", 2, 2).problems(2)).containsExactly(
        "the database is MOUNTED, not open READ WRITE",
        "the database is still in incarnation 2: OPEN RESETLOGS did not run",
        "2 datafile(s) still need recovery (V$RECOVER_FILE)");
    assertThat(new RestoreResult("READ WRITE", "2514877", "2515000", 3, 1).problems(2)).containsExactly(
        "1 datafile(s) still need recovery (V$RECOVER_FILE)");
  }
}
