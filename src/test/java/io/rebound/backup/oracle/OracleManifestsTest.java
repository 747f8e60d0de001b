package io.rebound.backup.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupType;
import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.PointInTimePlanner;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.oracle.OracleManifests.ArchivedLog;
import io.rebound.backup.oracle.OracleManifests.BackupRange;
import io.rebound.backup.oracle.OracleManifests.DatabaseIdentity;
import io.rebound.backup.oracle.OracleManifests.LogBatch;
import io.rebound.backup.oracle.OracleManifests.LogKey;
import io.rebound.backup.oracle.RmanScripts.SequenceRange;
import io.rebound.target.Dialect;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OracleManifestsTest {

  static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");
  static final DatabaseIdentity ORCL = new DatabaseIdentity("1613387266", "ORCL", "2514877", "ARCHIVELOG", 2, LISBON, true);
  static final List<Piece> PIECES = List.of(new Piece("0v3a1b2c_1_1", "backups/ora/2026/11/29/b1/0v3a1b2c_1_1", 1024, "ab"));

  static ArchivedLog log(int thread, long sequence, long first, long next, String firstTime, String nextTime) {
    return new ArchivedLog(thread, sequence, Long.toString(first), Long.toString(next), firstTime, nextTime,
        "/u03/arch/" + thread + "_" + sequence + ".arc", nextTime);
  }

  @Test
  void shouldMapAFullBackupToAManifestWithScnsTheIncarnationAndTheDbid() {
    BackupManifest manifest = OracleManifests.backup("b1", "ora", BackupType.FULL, "ignored", ORCL,
        new BackupRange("2390411", "2391002", "2026-11-29 01:00:04", "2026-11-29 01:00:52", 4), PIECES);

    assertThat(manifest.dialect()).isEqualTo(Dialect.ORACLE);
    assertThat(manifest.type()).isEqualTo(BackupType.FULL);
    assertThat(manifest.parentId()).isNull();
    assertThat(manifest.timeline()).isEqualTo(2);
    assertThat(manifest.databaseIdentity()).isEqualTo("1613387266");
    assertThat(manifest.startPosition()).isEqualTo("2390411");
    assertThat(manifest.endPosition()).isEqualTo("2391002");
    // Lisbon is on UTC in winter.
    assertThat(manifest.startTime()).isEqualTo(Instant.parse("2026-11-29T01:00:04Z"));
    assertThat(manifest.endTime()).isEqualTo(Instant.parse("2026-11-29T01:00:52Z"));
    assertThat(manifest.pieces()).isEqualTo(PIECES);
    assertThat(manifest.target()).isEqualTo("ora");
    assertThat(manifest.id()).isEqualTo("b1");
  }

  @Test
  void shouldKeepTheParentOfAnIncrementalAndRefuseOneWithout() {
    BackupRange range = new BackupRange("2500000", "2500100", "2026-07-30 01:00:04", "2026-07-30 01:00:52", 4);
    BackupManifest manifest = OracleManifests.backup("b2", "ora", BackupType.INCREMENTAL, "b1", ORCL, range, PIECES);

    assertThat(manifest.parentId()).isEqualTo("b1");
    // Summer: the host's DATE is an hour ahead of UTC.
    assertThat(manifest.startTime()).isEqualTo(Instant.parse("2026-07-30T00:00:04Z"));
    assertThatThrownBy(() -> OracleManifests.backup("b2", "ora", BackupType.INCREMENTAL, null, ORCL, range, PIECES))
        .hasMessage("an INCREMENTAL backup names its parent");
    assertThatThrownBy(() -> OracleManifests.backup("b2", "ora", BackupType.INCREMENTAL, " ", ORCL, range, PIECES))
        .hasMessage("an INCREMENTAL backup names its parent");
  }

  @Test
  void shouldRefuseABackupTheControlFileKnowsNoDatafileOf() {
    assertThatThrownBy(() -> OracleManifests.backup("b1", "ora", BackupType.FULL, null, ORCL,
        new BackupRange(null, null, null, null, 0), PIECES))
        .hasMessage("the control file knows no datafile backed up under tag RB_B1: backup b1 did not complete");
    assertThat(OracleManifests.backup("b1", "ora", BackupType.FULL, null, ORCL,
        new BackupRange("5", "6", "2026-11-29 01:00:04", "2026-11-29 01:00:04", 1), PIECES).endPosition()).isEqualTo("6");
    assertThatThrownBy(() -> OracleManifests.backup("b1", "ora", BackupType.FULL, null, ORCL,
        new BackupRange(null, "5", "2026-11-29 01:00:04", "2026-11-29 01:00:04", 1), PIECES)).hasMessageContaining("did not complete");
    assertThatThrownBy(() -> OracleManifests.backup("b1", "ora", BackupType.FULL, null, ORCL,
        new BackupRange("5", null, "2026-11-29 01:00:04", "2026-11-29 01:00:04", 1), PIECES)).hasMessageContaining("did not complete");
  }

  @Test
  void shouldEndASingleThreadBatchAtItsLastLogsNextScn() {
    LogBatch batch = OracleManifests.batch(List.of(
        log(1, 57, 2498000, 2498812, "2026-11-29 09:20:00", "2026-11-29 09:25:00"),
        log(1, 58, 2498812, 2505570, "2026-11-29 09:25:00", "2026-11-29 09:30:00"),
        log(1, 59, 2505570, 2514877, "2026-11-29 09:30:00", "2026-11-29 09:35:00")), Set.of(1), "2498500", LISBON);

    assertThat(batch.sequences()).containsExactly(new SequenceRange(1, 57, 59));
    assertThat(batch.startScn()).isEqualTo("2498500");
    assertThat(batch.endScn()).isEqualTo("2514877");
    assertThat(batch.startTime()).isEqualTo(Instant.parse("2026-11-29T09:20:00Z"));
    assertThat(batch.endTime()).isEqualTo(Instant.parse("2026-11-29T09:35:00Z"));

    LogManifest manifest = OracleManifests.logs("l1", "ora", ORCL, batch, PIECES);
    assertThat(manifest.startPosition()).isEqualTo("2498500");
    assertThat(manifest.endPosition()).isEqualTo("2514877");
    assertThat(manifest.timeline()).isEqualTo(2);
    assertThat(manifest.databaseIdentity()).isEqualTo("1613387266");
    assertThat(manifest.dialect()).isEqualTo(Dialect.ORACLE);
    assertThat(manifest.startTime()).isEqualTo(batch.startTime());
    assertThat(manifest.endTime()).isEqualTo(batch.endTime());
  }

  @Test
  void shouldEndARacBatchWhereTheThreadThatIsBehindEnds() {
    LogBatch batch = OracleManifests.batch(List.of(
        log(1, 57, 1000, 2000, "2026-11-29 09:20:00", "2026-11-29 09:30:00"),
        log(2, 31, 1100, 1800, "2026-11-29 09:22:00", "2026-11-29 09:28:00"),
        log(2, 32, 1800, 1900, "2026-11-29 09:28:00", "2026-11-29 09:29:00"),
        log(1, 58, 2000, 2600, "2026-11-29 09:30:00", "2026-11-29 09:34:00")), Set.of(1, 2), "1200", LISBON);

    assertThat(batch.sequences()).containsExactly(new SequenceRange(1, 57, 58), new SequenceRange(2, 31, 32));
    assertThat(batch.endScn()).isEqualTo("1900");
    assertThat(batch.endTime()).isEqualTo(Instant.parse("2026-11-29T09:29:00Z"));
    assertThat(batch.startTime()).isEqualTo(Instant.parse("2026-11-29T09:20:00Z"));
  }

  @Test
  void shouldEndATimeWhereEveryThreadHasItsRedo() {
    LogBatch batch = OracleManifests.batch(List.of(
        log(1, 57, 1000, 2000, "2026-11-29 09:20:00", "2026-11-29 09:31:00"),
        log(2, 31, 1100, 2000, "2026-11-29 09:21:00", "2026-11-29 09:30:00")), Set.of(1, 2), "1200", LISBON);

    assertThat(batch.endScn()).isEqualTo("2000");
    assertThat(batch.endTime()).isEqualTo(Instant.parse("2026-11-29T09:30:00Z"));
  }

  @Test
  void shouldNotLetAClosedThreadHoldTheEndBack() {
    LogBatch batch = OracleManifests.batch(List.of(
        log(1, 57, 1000, 2000, "2026-11-29 09:20:00", "2026-11-29 09:30:00"),
        log(2, 31, 1100, 1300, "2026-11-29 09:21:00", "2026-11-29 09:23:00")), Set.of(1), "1200", LISBON);

    assertThat(batch.endScn()).isEqualTo("2000");
    assertThat(batch.sequences()).containsExactly(new SequenceRange(1, 57, 57), new SequenceRange(2, 31, 31));
  }

  @Test
  void shouldLimitTheEndByEveryThreadPresentWhenNoneIsKnownOpen() {
    LogBatch batch = OracleManifests.batch(List.of(
        log(1, 57, 1000, 2000, "2026-11-29 09:20:00", "2026-11-29 09:30:00"),
        log(2, 31, 1100, 1300, "2026-11-29 09:21:00", "2026-11-29 09:23:00")), Set.of(), "1200", LISBON);

    assertThat(batch.endScn()).isEqualTo("1300");
  }

  @Test
  void shouldRefuseAnOpenThreadWithoutALogInTheBatch() {
    assertThatThrownBy(() -> OracleManifests.batch(List.of(log(1, 57, 1000, 2000, "2026-11-29 09:20:00", "2026-11-29 09:30:00")),
        Set.of(1, 2), "1200", LISBON)).hasMessage("thread 2 is open but has no archived log past SCN 1200: archive the current logs"
            + " of every thread (ALTER SYSTEM ARCHIVE LOG CURRENT) before listing them");
  }

  @Test
  void shouldRefuseALogMissingInsideOrBeforeAThreadsRun() {
    assertThatThrownBy(() -> OracleManifests.batch(List.of(
        log(1, 57, 1000, 2000, "2026-11-29 09:20:00", "2026-11-29 09:30:00"),
        log(1, 59, 2500, 3000, "2026-11-29 09:35:00", "2026-11-29 09:40:00")), Set.of(1), "1200", LISBON))
        .hasMessage("archived log sequence 58 of thread 1 is not on disk: it was deleted or lost before it was shipped");
    assertThatThrownBy(() -> OracleManifests.batch(List.of(log(1, 59, 2500, 3000, "2026-11-29 09:35:00", "2026-11-29 09:40:00")),
        Set.of(1), "1200", LISBON))
        .hasMessage("archived log sequence 58 of thread 1 holds redo after SCN 1200 and is not on disk: it was deleted or lost before it"
            + " was shipped");
    assertThatThrownBy(() -> OracleManifests.batch(List.of(), Set.of(1), "1200", LISBON))
        .hasMessage("no archived log reaches past SCN 1200: nothing to ship");
    assertThatThrownBy(() -> OracleManifests.batch(List.of(), Set.of(1), "x", LISBON)).hasMessage("'x' is not an SCN (a decimal number)");
  }

  @Test
  void shouldAcceptTheFirstLogOfAThreadOrIncarnationStartingAfterTheBatchStart() {
    LogBatch batch = OracleManifests.batch(List.of(
        log(1, 1, 2600000, 2600400, "2026-11-30 14:03:50", "2026-11-30 14:10:00"),
        log(1, 2, 2600400, 2600900, "2026-11-30 14:10:00", "2026-11-30 14:15:00")), Set.of(1), "2514877", LISBON);

    assertThat(batch.sequences()).containsExactly(new SequenceRange(1, 1, 2));
    // A log that starts exactly at the batch start needs nothing before it either.
    assertThat(OracleManifests.batch(List.of(log(1, 9, 1200, 1300, "2026-11-29 09:20:00", "2026-11-29 09:30:00")), Set.of(1), "1200", LISBON)
        .endScn()).isEqualTo("1300");
  }

  @Test
  void shouldGiveThePlannerBatchesWhosePositionsNeverLeaveAHoleAcrossThreads() {
    // Thread 2's log 31 straddles the first batch's end: shipped in both batches, the second starts where the first ended.
    LogBatch first = OracleManifests.batch(List.of(
        log(1, 10, 900, 1000, "2026-11-29 09:00:00", "2026-11-29 09:05:00"),
        log(2, 30, 880, 1500, "2026-11-29 09:01:00", "2026-11-29 09:08:00")), Set.of(1, 2), "900", LISBON);
    LogBatch second = OracleManifests.batch(List.of(
        log(2, 30, 880, 1500, "2026-11-29 09:01:00", "2026-11-29 09:08:00"),
        log(1, 11, 1000, 1600, "2026-11-29 09:05:00", "2026-11-29 09:10:00"),
        log(2, 31, 1500, 1700, "2026-11-29 09:08:00", "2026-11-29 09:11:00")), Set.of(1, 2), first.endScn(), LISBON);
    assertThat(first.endScn()).isEqualTo("1000");
    assertThat(second.startScn()).isEqualTo("1000");
    assertThat(second.endScn()).isEqualTo("1600");

    BackupManifest full = OracleManifests.backup("b1", "ora", BackupType.FULL, null, ORCL,
        new BackupRange("900", "950", "2026-11-29 08:59:00", "2026-11-29 09:00:30", 4), PIECES);
    CatalogSnapshot catalog = new CatalogSnapshot("ora", Dialect.ORACLE, List.of(full),
        List.of(OracleManifests.logs("l1", "ora", ORCL, first, PIECES), OracleManifests.logs("l2", "ora", ORCL, second, PIECES)));
    RecoveryPlan latest = PointInTimePlanner.plan(catalog, RecoveryPoint.latest());
    assertThat(latest.logs()).extracting(LogManifest::id).containsExactly("l1", "l2");
    assertThat(latest.recoverToPosition()).isEqualTo("1600");
    RecoveryPlan early = PointInTimePlanner.plan(catalog, RecoveryPoint.at(Instant.parse("2026-11-29T09:04:00Z")));
    assertThat(early.logs()).extracting(LogManifest::id).containsExactly("l1");
  }

  @Test
  void shouldDeleteOnlyShippedLogsOlderThanTheRetentionAsRangesOfConsecutiveSequences() {
    List<ArchivedLog> local = List.of(
        log(1, 38, 1, 2, "2026-11-28 10:00:00", "2026-11-28 11:00:00"),
        log(1, 39, 2, 3, "2026-11-28 11:00:00", "2026-11-28 12:00:00"),
        log(1, 40, 3, 4, "2026-11-28 12:00:00", "2026-11-28 13:00:00"),
        log(1, 42, 5, 6, "2026-11-28 14:00:00", "2026-11-28 15:00:00"),
        log(1, 43, 6, 7, "2026-11-28 15:00:00", "2026-11-28 16:00:00"),
        log(2, 12, 1, 9, "2026-11-28 10:00:00", "2026-11-28 11:30:00"),
        log(2, 13, 9, 10, "2026-11-29 10:00:00", "2026-11-29 11:30:00"));
    Set<LogKey> shipped = Set.of(new LogKey(1, 38), new LogKey(1, 39), new LogKey(1, 40), new LogKey(1, 42), new LogKey(2, 12),
        new LogKey(2, 13), new LogKey(1, 41));

    List<SequenceRange> ranges = OracleManifests.deletable(local, shipped, Instant.parse("2026-11-29T00:00:00Z"), LISBON);

    // 41 is not on disk, 43 is not shipped, thread 2's 13 is younger than the retention.
    assertThat(ranges).containsExactly(new SequenceRange(1, 38, 40), new SequenceRange(1, 42, 42), new SequenceRange(2, 12, 12));
    assertThat(OracleManifests.deletable(local, Set.of(), Instant.parse("2026-11-29T00:00:00Z"), LISBON)).isEmpty();
    // Completed exactly at the limit: not before it.
    assertThat(OracleManifests.deletable(local, shipped, Instant.parse("2026-11-28T11:00:00Z"), LISBON)).isEmpty();
  }

  @Test
  void shouldReadOracleDatesInTheHostsZoneAndRefuseOtherText() {
    assertThat(OracleManifests.instant("2026-07-30 01:00:04", LISBON)).isEqualTo(Instant.parse("2026-07-30T00:00:04Z"));
    assertThat(OracleManifests.instant("2026-07-30 01:00:04", ZoneId.of("+05:30"))).isEqualTo(Instant.parse("2026-07-29T19:30:04Z"));
    assertThatThrownBy(() -> OracleManifests.instant("30-JUL-26", LISBON)).hasMessage("'30-JUL-26' is not a time as YYYY-MM-DD HH24:MI:SS");
    assertThatThrownBy(() -> OracleManifests.instant(null, LISBON)).hasMessage("a time is required");
  }
}
