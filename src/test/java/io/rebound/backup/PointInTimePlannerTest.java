package io.rebound.backup;

import static io.rebound.backup.Catalogs.at;
import static io.rebound.backup.Catalogs.lsn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.target.Dialect;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointInTimePlannerTest {

  /** Two weekly cycles: FULL at minute 0 and 10080, INCREMENTALs daily after each, logs every 10 minutes. */
  private static Catalogs twoCycles() {
    return new Catalogs()
        .full("f1", 0, 60).incremental("i1a", "f1", 1440, 1470).incremental("i1b", "i1a", 2880, 2910)
        .full("f2", 10080, 10140).incremental("i2a", "f2", 11520, 11550)
        .logs(0, 12000, 10);
  }

  private static List<String> ids(RecoveryPlan plan) {
    return plan.backups().stream().map(BackupManifest::id).toList();
  }

  @Test
  void shouldRestoreLatestFromTheNewestFullAndItsIncrementalsAndEveryLogSinceTheLastOne() {
    RecoveryPlan plan = PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.latest());

    assertThat(ids(plan)).containsExactly("f2", "i2a");
    assertThat(plan.logs().get(0).startPosition()).isEqualTo(lsn(11520));
    assertThat(plan.logs().get(plan.logs().size() - 1).endPosition()).isEqualTo(lsn(12000));
    assertThat(plan.logs()).hasSize(48);
    assertThat(plan.recoverToTime()).isEqualTo(at(12000));
    assertThat(plan.recoverToPosition()).isEqualTo(lsn(12000));
    assertThat(plan.dataLoss()).contains("after " + at(12000)).contains("not been shipped");
  }

  @Test
  void shouldChooseTheFullOfTheCycleThePointIsInNotTheNewest() {
    RecoveryPlan plan = PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(3000)));

    assertThat(ids(plan)).containsExactly("f1", "i1a", "i1b");
    assertThat(plan.logs()).extracting(LogManifest::startPosition).first().isEqualTo(lsn(2880));
    assertThat(plan.logs()).last().satisfies(last -> assertThat(last.endTime()).isAfter(at(3000)));
    assertThat(plan.logs()).allSatisfy(batch -> assertThat(batch.startTime()).isBeforeOrEqualTo(at(3000)));
    assertThat(plan.recoverToTime()).isEqualTo(at(3000));
    assertThat(plan.recoverToPosition()).isNull();
  }

  @Test
  void shouldStopTheIncrementalChainAtThePoint() {
    RecoveryPlan plan = PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(2000)));

    assertThat(ids(plan)).containsExactly("f1", "i1a");
    assertThat(plan.logs()).first().extracting(LogManifest::startPosition).isEqualTo(lsn(1440));
  }

  @Test
  void shouldNotUseAnIncrementalThatEndsAfterThePoint() {
    RecoveryPlan plan = PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(1460)));

    assertThat(ids(plan)).containsExactly("f1");
    assertThat(plan.logs()).first().extracting(LogManifest::startPosition).isEqualTo(lsn(0));
  }

  @Test
  void shouldUseTheOlderFullWhileTheNewerOneIsStillRunningAtThePoint() {
    RecoveryPlan plan = PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(10100)));

    assertThat(ids(plan)).containsExactly("f1", "i1a", "i1b");
  }

  @Test
  void shouldRestoreToTheEndOfAFullWithTheLogsUpToTheFirstTransactionAfterIt() {
    RecoveryPlan plan = PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(60)));

    assertThat(ids(plan)).containsExactly("f1");
    // The batch ending at minute 60 ends its last transaction at the point: recovery stops in the next one.
    assertThat(plan.logs()).extracting(LogManifest::endPosition).last().isEqualTo(lsn(70));
  }

  @Test
  void shouldListEveryPieceWithItsSizeAndTheTotal() {
    RecoveryPlan plan = PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(2000)));

    assertThat(plan.pieces()).hasSize(2 + plan.logs().size());
    assertThat(plan.pieces().get(0).key()).endsWith("/f1/base.tar");
    assertThat(plan.totalBytes()).isEqualTo(plan.pieces().stream().mapToLong(Piece::size).sum()).isPositive();
    assertThat(plan.dataLoss()).contains("after " + at(2000)).contains("PT166H40M");
  }

  @Test
  void shouldRefuseAPointBeforeTheFirstBackup() {
    assertThatThrownBy(() -> PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(30))))
        .isInstanceOf(PlanRefusedException.class)
        .hasMessageContaining("before the first backup").hasMessageContaining(at(60).toString());
  }

  @Test
  void shouldRefuseATargetWithoutAnyFull() {
    CatalogSnapshot catalog = new Catalogs().incremental("i", "gone", 0, 10).logs(0, 100, 10).snapshot();

    assertThatThrownBy(() -> PointInTimePlanner.plan(catalog, RecoveryPoint.latest()))
        .isInstanceOf(PlanRefusedException.class).hasMessageContaining("no FULL backup");
  }

  @Test
  void shouldRefuseAPointAfterTheLastShippedLog() {
    assertThatThrownBy(() -> PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(12001))))
        .isInstanceOf(PlanRefusedException.class)
        .hasMessageContaining("is not before the last transaction the shipped logs of target orders on timeline 1 hold, which ends at "
            + at(12000));
  }

  @Test
  void shouldRefuseAPointAtTheLastShippedTransactionAndSayWhatReachesIt() {
    // PostgreSQL stops at the first transaction after the point: none is shipped yet, so it would fail the restore.
    assertThatThrownBy(() -> PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(12000))))
        .isInstanceOf(PlanRefusedException.class)
        .hasMessageContaining("none is shipped yet").hasMessageContaining("a point before " + at(12000) + " can be reached")
        .hasMessageContaining("'latest' replays that last transaction too");
    assertThat(PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.at(at(12000).minusNanos(1000))).recoverToTime())
        .isEqualTo(at(12000).minusNanos(1000));
  }

  @Test
  void shouldRestoreAnOraclePointAtTheEndOfItsLastLog() {
    CatalogSnapshot catalog = oracleCatalog();

    // SET UNTIL TIME applies the redo up to the point: the log that reaches it is enough.
    assertThat(PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(20))).logs()).extracting(LogManifest::id).containsExactly("a");
    assertThat(PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(30))).logs()).extracting(LogManifest::id).containsExactly("a", "b");
    assertThatThrownBy(() -> PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(30).plusSeconds(1))))
        .isInstanceOf(PlanRefusedException.class).hasMessageContaining("after the last shipped log").hasMessageContaining(at(30).toString());
  }

  @Test
  void shouldRefuseAPointAcrossAGapInTheLogsNamingTheGap() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).logs(0, 500, 10).logs(510, 1000, 10).snapshot();

    assertThatThrownBy(() -> PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(700))))
        .isInstanceOf(PlanRefusedException.class)
        .hasMessageContaining("gap between position " + lsn(500)).hasMessageContaining(lsn(510))
        .hasMessageContaining(at(500).toString()).hasMessageContaining(at(510).toString());
  }

  @Test
  void shouldRestoreBeforeAGapThatComesAfterThePoint() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).logs(0, 500, 10).logs(510, 1000, 10).snapshot();

    RecoveryPlan plan = PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(400)));

    // Up to the batch whose transactions end after the point (400 to 410).
    assertThat(plan.logs()).hasSize(41);
    // The last transaction before the gap ends at 500: a point there needs the first one after it, across the gap.
    assertThatThrownBy(() -> PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(500))))
        .isInstanceOf(PlanRefusedException.class).hasMessageContaining("gap between position " + lsn(500));
    assertThat(PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(499))).logs()).hasSize(50);
  }

  @Test
  void shouldRestoreAcrossAGapThatANewerFullBridges() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).full("f2", 600, 660).logs(0, 500, 10).logs(510, 1000, 10).snapshot();

    RecoveryPlan plan = PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(700)));

    assertThat(ids(plan)).containsExactly("f2");
  }

  @Test
  void shouldRefuseLatestAcrossAGapAndNameTheLatestPointBeforeIt() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).logs(0, 500, 10).logs(510, 1000, 10).snapshot();

    assertThatThrownBy(() -> PointInTimePlanner.plan(catalog, RecoveryPoint.latest()))
        .isInstanceOf(PlanRefusedException.class).hasMessageContaining("gap").hasMessageContaining("latest point before it is " + at(500));
  }

  @Test
  void shouldRefuseWhenTheLogsStartAfterTheBackupStarted() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).logs(20, 500, 10).snapshot();

    assertThatThrownBy(() -> PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(300))))
        .isInstanceOf(PlanRefusedException.class).hasMessageContaining("gap between position " + lsn(0));
  }

  @Test
  void shouldRefuseWhenTheLogsDoNotReachTheEndOfTheBackup() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).logs(0, 50, 10).snapshot();

    assertThatThrownBy(() -> PointInTimePlanner.plan(catalog, RecoveryPoint.latest()))
        .isInstanceOf(PlanRefusedException.class).hasMessageContaining("before backup f1 is consistent");
  }

  @Test
  void shouldRefuseWhenNoLogIsShippedOnTheBackupsTimeline() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).logs(0, 500, 10, 2, Catalogs.IDENTITY).snapshot();

    assertThatThrownBy(() -> PointInTimePlanner.plan(catalog, RecoveryPoint.latest()))
        .isInstanceOf(PlanRefusedException.class).hasMessageContaining("no archived logs of timeline 1");
  }

  /** Timeline 1 until a restore at minute 5000 back to minute 3000 opened timeline 2; a FULL on it at 6000. */
  private static Catalogs twoTimelines() {
    return new Catalogs()
        .full("t1-full", 0, 60).incremental("t1-inc", "t1-full", 1440, 1470).logs(0, 5000, 10)
        .backup("t2-full", BackupType.FULL, null, 6000, 6060, lsn(4000), lsn(4060), 2, Catalogs.IDENTITY)
        .logs(5000, 7000, "0/1", "0/2", 2, Catalogs.IDENTITY)
        .logs(5000, 7000, lsn(3000), lsn(5000), 2, Catalogs.IDENTITY);
  }

  @Test
  void shouldRestoreAPointBeforeANewerTimelineFromTheOldTimeline() {
    RecoveryPlan plan = PointInTimePlanner.plan(twoTimelines().snapshot(), RecoveryPoint.at(at(4000)));

    assertThat(ids(plan)).containsExactly("t1-full", "t1-inc");
    assertThat(plan.timeline()).isEqualTo(1);
    assertThat(plan.logs()).allSatisfy(batch -> assertThat(batch.timeline()).isEqualTo(1));
  }

  @Test
  void shouldRestoreLatestFromTheNewTimelineOnly() {
    RecoveryPlan plan = PointInTimePlanner.plan(twoTimelines().snapshot(), RecoveryPoint.latest());

    assertThat(ids(plan)).containsExactly("t2-full");
    assertThat(plan.timeline()).isEqualTo(2);
    assertThat(plan.logs()).extracting(LogManifest::startPosition).containsExactly(lsn(3000));
  }

  @Test
  void shouldRefuseAPointOnTheNewTimelineBeforeItHasAFullOfItsOwn() {
    assertThatThrownBy(() -> PointInTimePlanner.plan(twoTimelines().snapshot(), RecoveryPoint.at(at(5500))))
        .isInstanceOf(PlanRefusedException.class).hasMessageContaining("is not before the last transaction the shipped logs")
        .hasMessageContaining("timeline 1");
  }

  @Test
  void shouldSayWhenNewerLogsOfAnotherTimelineCannotBeUsed() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).logs(0, 1000, 10)
        .logs(1000, 2000, lsn(900), lsn(1900), 2, Catalogs.IDENTITY).snapshot();

    RecoveryPlan plan = PointInTimePlanner.plan(catalog, RecoveryPoint.latest());

    assertThat(plan.recoverToTime()).isEqualTo(at(1000));
    assertThat(plan.dataLoss()).contains("Logs shipped up to " + at(2000) + " on timeline 2").contains("not used");
    assertThat(PointInTimePlanner.plan(twoCycles().snapshot(), RecoveryPoint.latest()).dataLoss()).doesNotContain("not used");
  }

  @Test
  void shouldNeverMixLogsOfAnotherDatabase() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).logs(0, 300, 10).logs(300, 600, 10, 1, "9999999999").snapshot();

    assertThatThrownBy(() -> PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(400))))
        .isInstanceOf(PlanRefusedException.class).hasMessageContaining("is not before the last transaction the shipped logs")
        .hasMessageContaining(at(300).toString());
    assertThat(PointInTimePlanner.plan(catalog, RecoveryPoint.latest()).logs()).allSatisfy(
        batch -> assertThat(batch.databaseIdentity()).isEqualTo(Catalogs.IDENTITY));
  }

  @Test
  void shouldEndTheChainWhereAnIncrementalsParentIsMissing() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).incremental("i2", "i1-deleted", 1440, 1470).logs(0, 2000, 10).snapshot();

    assertThat(ids(PointInTimePlanner.plan(catalog, RecoveryPoint.latest()))).containsExactly("f1");
  }

  @Test
  void shouldChainAnIncrementalOfAnIdleDatabaseThatEndsWhereItsParentEnded() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60)
        .backup("idle", BackupType.INCREMENTAL, "f1", 1440, 1450, lsn(60), lsn(60), 1, Catalogs.IDENTITY)
        .logs(0, 60, 10).logs(60, 1500, "0/" + Long.toHexString(60 * 4096).toUpperCase(), lsn(60), 1, Catalogs.IDENTITY)
        .logs(1500, 1600, lsn(60), lsn(100), 1, Catalogs.IDENTITY).snapshot();

    assertThat(ids(PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(1550))))).containsExactly("f1", "idle");
  }

  /** An Oracle FULL ending at minute 10 (SCN 95), logs to minute 20 (SCN 100) and to minute 30 (SCN 1000). */
  private static CatalogSnapshot oracleCatalog() {
    String directory = "rebound/backups/db/2026/11/01/";
    return new CatalogSnapshot("db", Dialect.ORACLE,
        List.of(new BackupManifest("f", "db", Dialect.ORACLE, BackupType.FULL, null, 1, "1234", at(0), at(10), "9", "95",
            List.of(new Piece("p", directory + "f/p", 1, Catalogs.sha("f"))))),
        List.of(new LogManifest("a", "db", Dialect.ORACLE, 1, "1234", at(0), at(20), "8", "100",
                List.of(new Piece("a", directory + "a/a", 1, Catalogs.sha("a")))),
            new LogManifest("b", "db", Dialect.ORACLE, 1, "1234", at(20), at(30), "100", "1000",
                List.of(new Piece("b", directory + "b/b", 1, Catalogs.sha("b"))))));
  }

  @Test
  void shouldOrderOracleScnsAsNumbers() {
    CatalogSnapshot catalog = oracleCatalog();

    RecoveryPlan plan = PointInTimePlanner.plan(catalog, RecoveryPoint.latest());

    assertThat(plan.logs()).extracting(LogManifest::id).containsExactly("a", "b");
    assertThat(plan.recoverToPosition()).isEqualTo("1000");
  }

  @Test
  void shouldParseThePointAsLatestOrAnInstant() {
    assertThat(RecoveryPoint.parse("latest").isLatest()).isTrue();
    assertThat(RecoveryPoint.parse(" LATEST ").isLatest()).isTrue();
    assertThat(RecoveryPoint.parse(null).isLatest()).isTrue();
    assertThat(RecoveryPoint.parse("2026-11-30T14:05:00Z").time()).contains(java.time.Instant.parse("2026-11-30T14:05:00Z"));
    assertThat(RecoveryPoint.parse("2026-11-30T14:05:00Z")).hasToString("2026-11-30T14:05:00Z");
    assertThat(RecoveryPoint.latest()).hasToString("latest");
    assertThatThrownBy(() -> RecoveryPoint.parse("yesterday")).hasMessageContaining("'yesterday'").hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> RecoveryPoint.at(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
