package io.rebound.backup.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupType;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.target.Dialect;
import io.rebound.backup.oracle.RmanScripts.ArchivelogDeletion;
import io.rebound.backup.oracle.RmanScripts.Backup;
import io.rebound.backup.oracle.RmanScripts.LogShipment;
import io.rebound.backup.oracle.RmanScripts.Restore;
import io.rebound.backup.oracle.RmanScripts.SequenceRange;
import io.rebound.backup.oracle.RmanScripts.UntilScn;
import io.rebound.backup.oracle.RmanScripts.UntilTime;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RmanScriptsTest {

  static final Path WORK = Path.of("/srv/rebound/backup-work");
  static final Path DOWNLOADS = Path.of("/srv/rebound/restore/r42");

  @Test
  void shouldBackUpAFullAsLevel0WithItsLogsControlfileAndSpfileIntoItsOwnDirectory() {
    String script = RmanScripts.backup(new Backup("b20261129f", BackupType.FULL, WORK, 2, 32768, "2390411", true));

    assertThat(script).isEqualTo("""
        # Rebound backup b20261129f: FULL (incremental level 0)
        RUN {
          ALLOCATE CHANNEL rb1 DEVICE TYPE DISK FORMAT '/srv/rebound/backup-work/b20261129f/%U';
          ALLOCATE CHANNEL rb2 DEVICE TYPE DISK FORMAT '/srv/rebound/backup-work/b20261129f/%U';
          BACKUP INCREMENTAL LEVEL 0 SECTION SIZE 32768M DATABASE TAG 'RB_B20261129F';
          SQL 'ALTER SYSTEM ARCHIVE LOG CURRENT';
          BACKUP ARCHIVELOG FROM SCN 2390411 TAG 'RB_B20261129F';
          BACKUP CURRENT CONTROLFILE FORMAT '/srv/rebound/backup-work/b20261129f/controlfile_%U' TAG 'RB_B20261129F';
          BACKUP SPFILE FORMAT '/srv/rebound/backup-work/b20261129f/spfile_%U' TAG 'RB_B20261129F';
        }
        """);
  }

  @Test
  void shouldBackUpAnIncrementalAsLevel1AndLeaveOutTheSpfileOfAnInstanceStartedFromAPfile() {
    String script = RmanScripts.backup(new Backup("b20261130i", BackupType.INCREMENTAL, WORK, 1, 1024, "2514001", false));

    assertThat(script).isEqualTo("""
        # Rebound backup b20261130i: INCREMENTAL (incremental level 1)
        RUN {
          ALLOCATE CHANNEL rb1 DEVICE TYPE DISK FORMAT '/srv/rebound/backup-work/b20261130i/%U';
          BACKUP INCREMENTAL LEVEL 1 SECTION SIZE 1024M DATABASE TAG 'RB_B20261130I';
          SQL 'ALTER SYSTEM ARCHIVE LOG CURRENT';
          BACKUP ARCHIVELOG FROM SCN 2514001 TAG 'RB_B20261130I';
          BACKUP CURRENT CONTROLFILE FORMAT '/srv/rebound/backup-work/b20261130i/controlfile_%U' TAG 'RB_B20261130I';
        }
        """);
  }

  @Test
  void shouldRefuseABackupWhoseValuesWouldNotBeWhatTheyClaim() {
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1'; DELETE", BackupType.FULL, WORK, 1, 1024, "1", true)))
        .hasMessageContaining("id 'b1'; DELETE' must be 1 to 100 letters");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, WORK, 1, 1024, "12 OR 1", true)))
        .hasMessage("'12 OR 1' is not an SCN (a decimal number)");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, WORK, 1, 1024, null, true)))
        .hasMessage("'null' is not an SCN (a decimal number)");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, WORK, 0, 1024, "1", true)))
        .hasMessage("parallelism must be 1 to 64 channels, not 0");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, WORK, 65, 1024, "1", true)))
        .hasMessage("parallelism must be 1 to 64 channels, not 65");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, WORK, 1, 0, "1", true)))
        .hasMessage("section size must be at least 1 MB, not 0");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, Path.of("work"), 1, 1024, "1", true)))
        .hasMessageContaining("work directory 'work' must be an absolute, normalised path");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, Path.of("/srv/it's"), 1, 1024, "1", true)))
        .hasMessageContaining("must be an absolute, normalised path");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, Path.of("/srv/a/../b"), 1, 1024, "1", true)))
        .hasMessageContaining("must be an absolute, normalised path");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, Path.of("/srv/%d"), 1, 1024, "1", true)))
        .hasMessageContaining("must be an absolute, normalised path");
    assertThatThrownBy(() -> RmanScripts.backup(new Backup("b1", BackupType.FULL, null, 1, 1024, "1", true)))
        .hasMessageContaining("work directory 'null'");
    assertThat(RmanScripts.backup(new Backup("b1", BackupType.FULL, WORK, 64, 1, "0", false))).contains("ALLOCATE CHANNEL rb64 ")
        .doesNotContain("rb65").contains("SECTION SIZE 1M").contains("FROM SCN 0 ");
  }

  @Test
  void shouldTagABackupByItsIdAndHashIdsThatATagCannotHold() {
    assertThat(RmanScripts.tag("b20261129f")).isEqualTo("RB_B20261129F");
    assertThat(RmanScripts.tag("a".repeat(27))).isEqualTo("RB_" + "A".repeat(27));
    String dashed = RmanScripts.tag("full-2026-11-29");
    assertThat(dashed).matches("RB_FULL_2026_11_29_[0-9A-F]{10}").hasSizeLessThanOrEqualTo(30);
    String longer = RmanScripts.tag("a".repeat(28));
    assertThat(longer).hasSize(30).startsWith("RB_AAAAAAAAAAAAAAAA_").matches("RB_A{16}_[0-9A-F]{10}");
    String shortDotted = RmanScripts.tag("b.1");
    assertThat(shortDotted).matches("RB_B_1_[0-9A-F]{10}");
    assertThat(RmanScripts.tag("full-2026-11-29")).isEqualTo(dashed).isNotEqualTo(RmanScripts.tag("full_2026_11_29"))
        .isNotEqualTo(RmanScripts.tag("full.2026.11.29"));
    assertThat(RmanScripts.tag("a".repeat(40))).isNotEqualTo(RmanScripts.tag("a".repeat(41)));
    assertThatThrownBy(() -> RmanScripts.tag("../x")).hasMessageContaining("id '../x'");
    assertThatThrownBy(() -> RmanScripts.tag(null)).hasMessageContaining("id 'null'");
  }

  @Test
  void shouldPutEachBackupInADirectoryOfItsOwnUnderTheWorkDirectory() {
    assertThat(RmanScripts.pieceDirectory(WORK, "b1")).isEqualTo(Path.of("/srv/rebound/backup-work/b1"));
    assertThatThrownBy(() -> RmanScripts.pieceDirectory(WORK, "..")).hasMessageContaining("id '..'");
  }

  @Test
  void shouldShipExactlyTheNamedSequencesOfEachThread() {
    String script = RmanScripts.shipLogs(new LogShipment("l20261129t0935", WORK, 1,
        List.of(new SequenceRange(2, 31, 31), new SequenceRange(1, 57, 59))));

    assertThat(script).isEqualTo("""
        # Rebound archived logs l20261129t0935
        RUN {
          ALLOCATE CHANNEL rb1 DEVICE TYPE DISK FORMAT '/srv/rebound/backup-work/l20261129t0935/%U';
          BACKUP ARCHIVELOG SEQUENCE BETWEEN 57 AND 59 THREAD 1 TAG 'RB_L20261129T0935';
          BACKUP ARCHIVELOG SEQUENCE 31 THREAD 2 TAG 'RB_L20261129T0935';
        }
        """);
    assertThatThrownBy(() -> RmanScripts.shipLogs(new LogShipment("l1", WORK, 1, List.of())))
        .hasMessage("a log batch names at least one archived log");
  }

  @Test
  void shouldOrderRangesOfOneThreadBySequence() {
    String script = RmanScripts.shipLogs(new LogShipment("l1", WORK, 1, List.of(new SequenceRange(1, 70, 71), new SequenceRange(1, 60, 61))));

    assertThat(script.indexOf("BETWEEN 60 AND 61")).isLessThan(script.indexOf("BETWEEN 70 AND 71")).isPositive();
  }

  @Test
  void shouldRefuseARangeThatIsNone() {
    assertThatThrownBy(() -> new SequenceRange(0, 1, 1)).hasMessage("not a range of archived logs: thread 0, sequences 1 to 1");
    assertThatThrownBy(() -> new SequenceRange(1, 0, 1)).hasMessage("not a range of archived logs: thread 1, sequences 0 to 1");
    assertThatThrownBy(() -> new SequenceRange(1, 5, 4)).hasMessage("not a range of archived logs: thread 1, sequences 5 to 4");
    assertThat(new SequenceRange(1, 1, 1).last()).isEqualTo(1);
  }

  @Test
  void shouldDeleteOnlyTheShippedLogsThatCompletedBeforeTheRetentionInTheHostsZone() {
    String script = RmanScripts.deleteArchivelogs(new ArchivelogDeletion(
        List.of(new SequenceRange(1, 38, 40), new SequenceRange(2, 12, 12)), Instant.parse("2026-11-29T01:05:00Z"),
        ZoneId.of("Europe/Lisbon")));

    assertThat(script).isEqualTo("""
        # Rebound: local archived logs in S3 and completed before 2026-11-29T01:05:00Z
        DELETE NOPROMPT ARCHIVELOG SEQUENCE BETWEEN 38 AND 40 THREAD 1 COMPLETED BEFORE "TO_DATE('2026-11-29 01:05:00', 'YYYY-MM-DD HH24:MI:SS')";
        DELETE NOPROMPT ARCHIVELOG SEQUENCE 12 THREAD 2 COMPLETED BEFORE "TO_DATE('2026-11-29 01:05:00', 'YYYY-MM-DD HH24:MI:SS')";
        """);
    assertThat(script).doesNotContain("FORCE").doesNotContain(" ALL");
    assertThatThrownBy(() -> RmanScripts.deleteArchivelogs(new ArchivelogDeletion(List.of(), Instant.EPOCH, ZoneId.of("UTC"))))
        .hasMessage("no shipped archived logs to delete");
  }

  @Test
  void shouldWriteTimesInTheDatabaseHostsZoneWhateverItsOffsetThatDay() {
    assertThat(RmanScripts.toDate(Instant.parse("2026-07-01T12:00:00Z"), ZoneId.of("Europe/Lisbon")))
        .isEqualTo("TO_DATE('2026-07-01 13:00:00', 'YYYY-MM-DD HH24:MI:SS')");
    assertThat(RmanScripts.toDate(Instant.parse("2026-12-01T12:00:00Z"), ZoneId.of("Europe/Lisbon")))
        .isEqualTo("TO_DATE('2026-12-01 12:00:00', 'YYYY-MM-DD HH24:MI:SS')");
    assertThat(RmanScripts.toDate(Instant.parse("2026-12-01T12:00:00Z"), ZoneId.of("-03:00")))
        .isEqualTo("TO_DATE('2026-12-01 09:00:00', 'YYYY-MM-DD HH24:MI:SS')");
  }

  @Test
  void shouldRestoreTheLatestFromTheBackupsControlfileUntilTheNextScnOfTheLastShippedLog() {
    String script = RmanScripts.restore(new Restore(DOWNLOADS, Optional.of(DOWNLOADS.resolve("b20261129f/controlfile_123a1b31_1_1")),
        Optional.empty(), new UntilScn("2514877"), 2, "1613387266"));

    assertThat(script).isEqualTo("""
        # Rebound restore from /srv/rebound/restore/r42 until SCN 2514877
        STARTUP FORCE NOMOUNT;
        SET DBID 1613387266;
        RESTORE CONTROLFILE FROM '/srv/rebound/restore/r42/b20261129f/controlfile_123a1b31_1_1';
        ALTER DATABASE MOUNT;
        CATALOG START WITH '/srv/rebound/restore/r42/' NOPROMPT;
        CROSSCHECK BACKUP;
        CROSSCHECK ARCHIVELOG ALL;
        RUN {
          ALLOCATE CHANNEL rb1 DEVICE TYPE DISK;
          ALLOCATE CHANNEL rb2 DEVICE TYPE DISK;
          SET UNTIL SCN 2514877;
          RESTORE DATABASE;
          RECOVER DATABASE;
        }
        ALTER DATABASE OPEN RESETLOGS;
        """);
  }

  @Test
  void shouldRestoreToATimeWithTheCurrentControlfileAndAnExplicitDateFormat() {
    String script = RmanScripts.restore(new Restore(DOWNLOADS, Optional.empty(), Optional.empty(),
        new UntilTime(Instant.parse("2026-11-29T15:00:00Z"), ZoneId.of("America/Sao_Paulo")), 1, "1613387266"));

    assertThat(script).isEqualTo("""
        # Rebound restore from /srv/rebound/restore/r42 until 2026-11-29T15:00:00Z
        STARTUP FORCE NOMOUNT;
        ALTER DATABASE MOUNT;
        CATALOG START WITH '/srv/rebound/restore/r42/' NOPROMPT;
        CROSSCHECK BACKUP;
        CROSSCHECK ARCHIVELOG ALL;
        RUN {
          ALLOCATE CHANNEL rb1 DEVICE TYPE DISK;
          SET UNTIL TIME "TO_DATE('2026-11-29 12:00:00', 'YYYY-MM-DD HH24:MI:SS')";
          RESTORE DATABASE;
          RECOVER DATABASE;
        }
        ALTER DATABASE OPEN RESETLOGS;
        """);
  }

  @Test
  void shouldOpenThePluggableDatabasesOfAContainerDatabaseAfterOpenResetlogs() {
    Restore restore = new Restore(DOWNLOADS, Optional.empty(), Optional.empty(), new UntilScn("5"), 1, "1613387266");

    assertThat(RmanScripts.restore(restore, true)).endsWith("ALTER DATABASE OPEN RESETLOGS;\nALTER PLUGGABLE DATABASE ALL OPEN;\n");
    assertThat(RmanScripts.restore(restore, false)).endsWith("}\nALTER DATABASE OPEN RESETLOGS;\n").isEqualTo(RmanScripts.restore(restore));
  }

  @Test
  void shouldRestoreTheSpfileFirstAndRestartOnItWhenTheInstanceHasNone() {
    String script = RmanScripts.restore(new Restore(DOWNLOADS, Optional.of(DOWNLOADS.resolve("b1/controlfile_x_1_1")),
        Optional.of(DOWNLOADS.resolve("b1/spfile_y_1_1")), new UntilScn("5"), 1, "1613387266"));

    assertThat(script).contains("""
        STARTUP FORCE NOMOUNT;
        SET DBID 1613387266;
        RESTORE SPFILE FROM '/srv/rebound/restore/r42/b1/spfile_y_1_1';
        STARTUP FORCE NOMOUNT;
        RESTORE CONTROLFILE FROM '/srv/rebound/restore/r42/b1/controlfile_x_1_1';
        ALTER DATABASE MOUNT;
        """);
  }

  @Test
  void shouldRefuseARestoreFromPiecesOutsideTheDownloadDirectory() {
    assertThatThrownBy(() -> RmanScripts.restore(new Restore(DOWNLOADS, Optional.of(Path.of("/etc/oracle/controlfile_1")),
        Optional.empty(), new UntilScn("5"), 1, "1613387266"))).hasMessage("piece /etc/oracle/controlfile_1 is not inside the download directory"
            + " /srv/rebound/restore/r42");
    assertThatThrownBy(() -> RmanScripts.restore(new Restore(DOWNLOADS, Optional.of(DOWNLOADS), Optional.empty(), new UntilScn("5"), 1, "1613387266")))
        .hasMessageContaining("is not inside the download directory");
    assertThatThrownBy(() -> RmanScripts.restore(new Restore(DOWNLOADS, Optional.empty(),
        Optional.of(DOWNLOADS.resolve("b1/../../../etc/x")), new UntilScn("5"), 1, "1613387266"))).hasMessageContaining("must be an absolute, normalised");
    assertThatThrownBy(() -> RmanScripts.restore(new Restore(Path.of("relative"), Optional.empty(), Optional.empty(), new UntilScn("5"), 1, "1613387266")))
        .hasMessageContaining("download directory 'relative'");
    assertThatThrownBy(() -> RmanScripts.restore(new Restore(DOWNLOADS, Optional.empty(), Optional.empty(), new UntilScn("latest"), 1, "1613387266")))
        .hasMessage("'latest' is not an SCN (a decimal number)");
    assertThatThrownBy(() -> RmanScripts.restore(new Restore(DOWNLOADS, Optional.empty(), Optional.empty(), new UntilScn("5"), 0, "1613387266")))
        .hasMessage("parallelism must be 1 to 64 channels, not 0");
  }

  @Test
  void shouldTellRmanTheDbidBeforeRestoringFromAPieceAndOnlyThen() {
    assertThat(RmanScripts.restore(new Restore(DOWNLOADS, Optional.empty(), Optional.of(DOWNLOADS.resolve("b1/spfile_y_1_1")),
        new UntilScn("5"), 1, "42"))).contains("STARTUP FORCE NOMOUNT;\nSET DBID 42;\nRESTORE SPFILE");
    assertThat(RmanScripts.restore(new Restore(DOWNLOADS, Optional.empty(), Optional.empty(), new UntilScn("5"), 1, null)))
        .doesNotContain("SET DBID");
    assertThatThrownBy(() -> RmanScripts.restore(new Restore(DOWNLOADS, Optional.of(DOWNLOADS.resolve("b1/controlfile_x_1_1")),
        Optional.empty(), new UntilScn("5"), 1, "42; SHUTDOWN"))).hasMessage("'42; SHUTDOWN' is not a DBID (a number of up to 10 digits)");
    assertThatThrownBy(() -> RmanScripts.restore(new Restore(DOWNLOADS, Optional.of(DOWNLOADS.resolve("b1/controlfile_x_1_1")),
        Optional.empty(), new UntilScn("5"), 1, null))).hasMessage("'null' is not a DBID (a number of up to 10 digits)");
    assertThatThrownBy(() -> RmanScripts.restore(new Restore(DOWNLOADS, Optional.of(DOWNLOADS.resolve("b1/controlfile_x_1_1")),
        Optional.empty(), new UntilScn("5"), 1, "12345678901"))).hasMessageContaining("is not a DBID");
  }

  static RecoveryPlan plan(Dialect dialect, RecoveryPoint point, String recoverToPosition, List<Piece> lastPieces) {
    BackupManifest full = new BackupManifest("b1", "ora", dialect, BackupType.FULL, null, 2, "1613387266",
        Instant.parse("2026-11-29T01:00:04Z"), Instant.parse("2026-11-29T01:00:52Z"), "100", "200",
        List.of(new Piece("controlfile_old_1_1", "k", 1, "s")));
    BackupManifest incremental = new BackupManifest("b2", "ora", dialect, BackupType.INCREMENTAL, "b1", 2, "1613387266",
        Instant.parse("2026-11-30T01:00:04Z"), Instant.parse("2026-11-30T01:00:52Z"), "300", "400", lastPieces);
    return new RecoveryPlan("ora", dialect, point, 2, "1613387266", List.of(full, incremental), List.of(), List.of(), 0,
        Instant.parse("2026-11-30T14:00:00Z"), recoverToPosition, "");
  }

  @Test
  void shouldRestoreALatestPlanUntilItsScnFromItsLastBackupsControlfileAndSpfile() {
    List<Piece> pieces = List.of(new Piece("0v3a1b2c_1_1", "k", 1, "s"), new Piece("controlfile_123a1b31_1_1", "k", 1, "s"),
        new Piece("spfile_133a1b33_1_1", "k", 1, "s"));

    Restore restore = RmanScripts.restoreOf(plan(Dialect.ORACLE, RecoveryPoint.latest(), "2514877", pieces), DOWNLOADS, true, true, 2,
        ZoneId.of("UTC"));

    assertThat(restore).isEqualTo(new Restore(DOWNLOADS, Optional.of(DOWNLOADS.resolve("b2/controlfile_123a1b31_1_1")),
        Optional.of(DOWNLOADS.resolve("b2/spfile_133a1b33_1_1")), new UntilScn("2514877"), 2, "1613387266"));
  }

  @Test
  void shouldRestoreAPointInTimeUntilItsTimeWithTheCurrentControlfile() {
    RecoveryPoint point = RecoveryPoint.at(Instant.parse("2026-11-30T14:00:00Z"));
    Restore restore = RmanScripts.restoreOf(plan(Dialect.ORACLE, point, null, List.of()), DOWNLOADS, false, false, 1, ZoneId.of("UTC"));

    assertThat(restore).isEqualTo(new Restore(DOWNLOADS, Optional.empty(), Optional.empty(),
        new UntilTime(Instant.parse("2026-11-30T14:00:00Z"), ZoneId.of("UTC")), 1, "1613387266"));
  }

  @Test
  void shouldRefuseAPlanOfAnotherDialectOrABackupWithoutTheNeededPiece() {
    assertThatThrownBy(() -> RmanScripts.restoreOf(plan(Dialect.POSTGRESQL, RecoveryPoint.latest(), "1/0", List.of()), DOWNLOADS, false,
        false, 1, ZoneId.of("UTC"))).hasMessage("plan of target ora is for POSTGRESQL, not Oracle");
    assertThatThrownBy(() -> RmanScripts.restoreOf(plan(Dialect.ORACLE, RecoveryPoint.latest(), "5", List.of()), DOWNLOADS, true, false, 1,
        ZoneId.of("UTC"))).hasMessage("backup b2 has no controlfile_* piece to restore from");
    assertThatThrownBy(() -> RmanScripts.restoreOf(plan(Dialect.ORACLE, RecoveryPoint.latest(), "5",
        List.of(new Piece("controlfile_1", "k", 1, "s"))), DOWNLOADS, true, true, 1, ZoneId.of("UTC")))
        .hasMessage("backup b2 has no spfile_* piece to restore from");
  }

  @Test
  void shouldRestoreTheControlfileWhenTheCurrentOneCannotLeadToThePoint() {
    assertThat(RmanScripts.needsControlfile(Optional.of("1613387266"), Optional.of(2L), "1613387266", 2)).isFalse();
    assertThat(RmanScripts.needsControlfile(Optional.empty(), Optional.empty(), "1613387266", 2)).isTrue();
    assertThat(RmanScripts.needsControlfile(Optional.of("1613387266"), Optional.empty(), "1613387266", 2)).isTrue();
    assertThat(RmanScripts.needsControlfile(Optional.empty(), Optional.of(2L), "1613387266", 2)).isTrue();
    assertThat(RmanScripts.needsControlfile(Optional.of("99"), Optional.of(2L), "1613387266", 2)).isTrue();
    assertThat(RmanScripts.needsControlfile(Optional.of("1613387266"), Optional.of(3L), "1613387266", 2)).isTrue();
  }
}
