package io.rebound.backup.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.backup.oracle.RmanLog.RequestedLog;
import io.rebound.backup.oracle.RmanLog.WrittenPiece;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RmanLogTest {

  static List<String> sample(String name) {
    try (InputStream in = RmanLogTest.class.getResourceAsStream("/rman/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldReadEveryPieceOfASuccessfulLevel0BackupWithItsTag() {
    RmanLog log = RmanLog.parse(sample("level0-backup.log"));

    assertThat(log.succeeded()).isTrue();
    assertThat(log.complete()).isTrue();
    assertThat(log.errorStack()).isEmpty();
    assertThat(log.warnings()).isEmpty();
    assertThat(log.failure(0)).isEmpty();
    assertThat(log.failure(null)).isEmpty();
    assertThat(log.handlesTagged("RB_B20261129F")).containsExactly(
        "/srv/rebound/backup-work/b20261129f/0v3a1b2c_1_1",
        "/srv/rebound/backup-work/b20261129f/103a1b2c_1_1",
        "/srv/rebound/backup-work/b20261129f/113a1b2f_1_1",
        "/srv/rebound/backup-work/b20261129f/controlfile_123a1b31_1_1",
        "/srv/rebound/backup-work/b20261129f/spfile_133a1b33_1_1");
    // The autobackup piece has no tag on its line and is not ours.
    assertThat(log.pieces()).hasSize(6).contains(
        new WrittenPiece("/u03/fra/ORCL/autobackup/2026_11_29/o1_mf_s_1218243652_mq1x2y3z_.bkp", null));
  }

  @Test
  void shouldReadTheArchivedLogPiecesOfAShipment() {
    RmanLog log = RmanLog.parse(sample("archivelog-ship.log"));

    assertThat(log.succeeded()).isTrue();
    assertThat(log.handlesTagged("RB_L20261129T0935")).containsExactly(
        "/srv/rebound/backup-work/l20261129t0935/1j3a2c41_1_1", "/srv/rebound/backup-work/l20261129t0935/1k3a2c44_1_1");
  }

  @Test
  void shouldCountDeletedLogsAndKeepTheLogsRmanRefusedToDeleteAsWarnings() {
    RmanLog log = RmanLog.parse(sample("delete-archivelogs.log"));

    assertThat(log.succeeded()).isTrue();
    assertThat(log.deletedObjects()).isEqualTo(2);
    assertThat(log.warnings()).containsExactly("RMAN-08138: warning: archived log not deleted - must create more backups");
  }

  @Test
  void shouldNameExactlyTheArchivedLogsDeletedAndNotTheOnesKeptOrListed() {
    assertThat(RmanLog.deletedArchivedLogs(sample("delete-archivelogs.log")))
        .containsExactly("/u03/arch/ORCL/1_38_1187654321.arc", "/u03/arch/ORCL/1_39_1187654321.arc");
    assertThat(RmanLog.deletedArchivedLogs(sample("restore-latest.log"))).isEmpty();
    assertThat(RmanLog.deletedArchivedLogs(List.of("deleted archived log", "", "archived log file name=/a/1.arc RECID=1 STAMP=2")))
        .isEmpty();
    assertThat(RmanLog.deletedArchivedLogs(List.of("  deleted archived log  ", "archived log file name=/a/2.arc"))).containsExactly("/a/2.arc");
    assertThat(RmanLog.deletedArchivedLogs(List.of("deleted archived log", "archived log file name=/a/3.arc RECID=1",
        "archived log file name=/a/4.arc RECID=2"))).containsExactly("/a/3.arc");
  }

  @Test
  void shouldSucceedOnARestoreThatFailedOverNowhereAndOpenedResetlogs() {
    RmanLog log = RmanLog.parse(sample("restore-latest.log"));

    assertThat(log.succeeded()).isTrue();
    assertThat(log.failure(0)).isEmpty();
  }

  @Test
  void shouldNameTheLogRecoveryAskedForAndThePointTheLogsReach() {
    RmanLog log = RmanLog.parse(sample("recover-unknown-log.log"));

    assertThat(log.succeeded()).isFalse();
    assertThat(log.complete()).isTrue();
    assertThat(log.failedCommand()).isEqualTo("recover");
    assertThat(log.requestedLog()).isEqualTo(new RequestedLog(1, 58, "2498812"));
    assertThat(log.errorCodes()).containsExactly("RMAN-03002", "RMAN-06054");
    assertThat(log.failure(1)).contains("The RMAN recover command failed: recovery needs archived log sequence 58 of thread 1,"
        + " which starts at SCN 2498812 and is in no downloaded piece: the logs reach SCN 2498812; restore to a point before it,"
        + " or ship and download that log (RMAN-06054)");
  }

  @Test
  void shouldNameTheFirstArchivedLogNoBackupWasFoundOf() {
    RmanLog log = RmanLog.parse(sample("restore-no-log-backup.log"));

    assertThat(log.requestedLog()).isEqualTo(new RequestedLog(1, 59, "2505570"));
    assertThat(log.failure(1)).contains("The RMAN recover command failed: no backup of archived log sequence 59 of thread 1"
        + " (from SCN 2505570) was cataloged: the log batch holding it is missing from the download directory (RMAN-06025)");
  }

  @Test
  void shouldNameTheDatafileNoBackupWasFoundOf() {
    RmanLog log = RmanLog.parse(sample("restore-no-datafile-backup.log"));

    assertThat(log.failedCommand()).isEqualTo("restore");
    assertThat(log.requestedLog()).isNull();
    assertThat(log.failure(1)).contains("The RMAN restore command failed: no backup of datafile 7 was found to restore: the FULL"
        + " backup's pieces are missing from the download directory, or they belong to another database or incarnation than the"
        + " control file (RMAN-06023)");
  }

  @Test
  void shouldNameThePieceThatCouldNotBeRestoredAndWhyIn23aiOutput() {
    RmanLog log = RmanLog.parse(sample("restore-piece-missing-23ai.log"));

    // The channel's first attempt is a warning: RMAN failed over and went on.
    assertThat(log.warnings()).containsExactly(
        "ORA-19870: error while restoring backup piece /opt/oracle/rebound-restore/b1/0b3a1b2c_1_1",
        "ORA-19505: failed to identify file \"/opt/oracle/rebound-restore/b1/0b3a1b2c_1_1\"",
        "ORA-27037: unable to obtain file status");
    assertThat(log.errorCodes()).containsExactly("RMAN-03002", "ORA-19870", "ORA-19505", "ORA-27037");
    assertThat(log.errorStack()).contains("Help: https://docs.oracle.com/error-help/db/ora-19870/");
    assertThat(log.failure(1)).contains("The RMAN restore command failed: restoring backup piece"
        + " /opt/oracle/rebound-restore/b1/0b3a1b2c_1_1 failed: ORA-19505: failed to identify file"
        + " \"/opt/oracle/rebound-restore/b1/0b3a1b2c_1_1\" (ORA-19870)");
  }

  @Test
  void shouldNameTheFileRmanCannotReadWithTheOperatingSystemsReason() {
    RmanLog log = RmanLog.parse(sample("backup-channel-unreadable.log"));

    assertThat(log.failedCommand()).isEqualTo("backup");
    assertThat(log.failure(1)).contains("The RMAN backup command failed: RMAN cannot read /u03/arch/ORCL/1_41_1187654321.arc: it is"
        + " missing or the database's OS user may not read it (Linux-x86_64 Error: 13: Permission denied) (ORA-19505)");
  }

  @Test
  void shouldNameTheFileRmanCannotCreate() {
    RmanLog log = RmanLog.parse(sample("backup-format-directory-missing.log"));

    assertThat(log.failure(1)).contains("The RMAN backup command failed: RMAN cannot create"
        + " /srv/rebound/backup-work/b20261129f/0v3a1b2c_1_1: its directory is missing or the database's OS user may not write there"
        + " (Linux-x86_64 Error: 2: No such file or directory) (ORA-19504)");
  }

  @Test
  void shouldNameTheDatafileThatIsNotConsistentAtOpenResetlogs() {
    RmanLog log = RmanLog.parse(sample("open-resetlogs-not-consistent.log"));

    assertThat(log.failedCommand()).isEqualTo("sql statement");
    assertThat(log.datafiles()).containsExactly("1 (/u02/oradata/ORCL/system01.dbf)");
    assertThat(log.failure(1)).contains("The RMAN sql statement command failed: datafile 1 (/u02/oradata/ORCL/system01.dbf) is not"
        + " consistent at the recovery point: it was restored from a backup that ends after the point, or the logs stop before the"
        + " backup's end; choose a point after the backup ended (ORA-01152)");
  }

  @Test
  void shouldNameEveryDatafileOfAnOra01547Warning() {
    RmanLog log = RmanLog.parse(sample("recover-warning-ora01547.log"));

    assertThat(log.datafiles()).containsExactly("4 (/u02/oradata/ORCL/undotbs01.dbf)", "7 (/u02/oradata/ORCL/users01.dbf)");
    assertThat(log.failure(1).orElseThrow()).startsWith("The RMAN recover command failed: datafile 4 (/u02/oradata/ORCL/undotbs01.dbf),"
        + " datafile 7 (/u02/oradata/ORCL/users01.dbf) is not consistent");
  }

  @Test
  void shouldSayRmanWasCutShortWhenItsLastLineIsMissing() {
    RmanLog log = RmanLog.parse(sample("killed.log"));

    assertThat(log.complete()).isFalse();
    assertThat(log.succeeded()).isFalse();
    assertThat(log.failure(137)).contains("RMAN ended before its last line (\"Recovery Manager complete.\") and exited with code 137: it"
        + " was killed or its host went down; its log shows how far it got");
    assertThat(log.failure(null)).contains("RMAN ended before its last line (\"Recovery Manager complete.\"): it was killed or its"
        + " host went down; its log shows how far it got");
  }

  @Test
  void shouldGiveTheFirstErrorOfAnyOtherStack() {
    RmanLog log = RmanLog.parse(sample("backup-other-error-23ai.log"));

    assertThat(log.failure(1)).contains("The RMAN backup command failed: RMAN-06149: cannot BACKUP DATABASE in NOARCHIVELOG mode");
  }

  @Test
  void shouldNotTakeACompleteLogAsSuccessWhenRmanExitedWithAnError() {
    RmanLog log = RmanLog.parse(List.of("Starting backup at 2026-11-29 01:00:04", RmanLog.COMPLETE));

    assertThat(log.succeeded()).isTrue();
    assertThat(log.failure(0)).isEmpty();
    assertThat(log.failure(3)).contains("RMAN exited with code 3 without an error stack: its log tells why");
  }

  @Test
  void shouldSayRmanFailedWhenTheStackNamesNoCommand() {
    RmanLog log = RmanLog.parse(List.of(
        "RMAN-00571: ===========================================================",
        "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============",
        "RMAN-00571: ===========================================================",
        "RMAN-00554: initialization of internal recovery manager package failed",
        "RMAN-04005: error from target database: ",
        "ORA-01017: invalid username/password; logon denied",
        RmanLog.COMPLETE));

    assertThat(log.failedCommand()).isNull();
    assertThat(log.failure(1)).contains("RMAN failed: RMAN-00554: initialization of internal recovery manager package failed");
  }

  @Test
  void shouldTellAFailedChannelCommandFromTheFirstErrorWhenNothingElseIsKnown() {
    RmanLog log = RmanLog.parse(List.of(
        "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============",
        "RMAN-03009: failure of delete command on ORA_DISK_1 channel at 2026-11-30 01:05:09",
        RmanLog.COMPLETE));

    assertThat(log.failedCommand()).isEqualTo("delete");
    assertThat(log.failure(1)).contains("The RMAN delete command failed: RMAN-03009: failure of delete command on ORA_DISK_1 channel at"
        + " 2026-11-30 01:05:09");
  }

  @Test
  void shouldIgnoreTheEchoedCommandsAndBlankLinesInsideTheStack() {
    RmanLog log = RmanLog.parse(List.of(
        "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============",
        "",
        "RMAN> ",
        "RMAN-03002: failure of recover command at 2026-11-30 14:10:49",
        "RMAN-06054: media recovery requesting unknown archived log for thread 2 with sequence 31 and starting SCN of 77"));

    assertThat(log.errorStack()).containsExactly("RMAN-03002: failure of recover command at 2026-11-30 14:10:49",
        "RMAN-06054: media recovery requesting unknown archived log for thread 2 with sequence 31 and starting SCN of 77");
    assertThat(log.requestedLog()).isEqualTo(new RequestedLog(2, 31, "77"));
    assertThat(log.complete()).isFalse();
  }

  @Test
  void shouldFallBackToGenericWordsWhenAMessageLacksItsDetails() {
    RmanLog log = RmanLog.parse(List.of(
        "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============",
        "ORA-19870: error while restoring",
        RmanLog.COMPLETE));
    assertThat(log.failure(1)).contains("RMAN failed: restoring backup piece a piece failed: see the log (ORA-19870)");

    RmanLog unreadable = RmanLog.parse(List.of(
        "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============", "ORA-27037: unable to obtain file status",
        RmanLog.COMPLETE));
    assertThat(unreadable.failure(1)).contains("RMAN failed: RMAN cannot read a file: it is missing or the database's OS user may not"
        + " read it (ORA-19505)");

    RmanLog uncreatable = RmanLog.parse(List.of(
        "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============", "ORA-27040: file create error, unable to create file",
        RmanLog.COMPLETE));
    assertThat(uncreatable.failure(1)).contains("RMAN failed: RMAN cannot create a file: its directory is missing or the database's"
        + " OS user may not write there (ORA-19504)");

    RmanLog noDatafile = RmanLog.parse(List.of(
        "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============", "RMAN-06023: no backup or copy found",
        RmanLog.COMPLETE));
    assertThat(noDatafile.failure(1).orElseThrow()).startsWith("RMAN failed: no backup of datafile was found to restore");

    RmanLog notConsistent = RmanLog.parse(List.of(
        "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============", "ORA-01152: file 1 was not restored",
        RmanLog.COMPLETE));
    assertThat(notConsistent.failure(1).orElseThrow()).startsWith("RMAN failed: a datafile is not consistent at the recovery point");
  }
}
