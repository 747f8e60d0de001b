package io.rebound.backup.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupType;
import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.PointInTimePlanner;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.target.Dialect;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan of a database restore as the approver sees it and approves it by its hash: every fact that decides what is
 * restored, onto what and to which point is in the hash; and the parent an INCREMENTAL builds on.
 */
class RestorePlanViewTest {

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final String IDENTITY = "7301188211537469442";

  static BackupManifest backup(String id, BackupType type, String parent, long start, long end, long timeline) {
    return new BackupManifest(id, "orders", Dialect.POSTGRESQL, type, parent, timeline, IDENTITY, T0.plusSeconds(start * 60),
        T0.plusSeconds(end * 60), "0/" + Long.toHexString(start * 4096).toUpperCase(), "0/" + Long.toHexString(end * 4096).toUpperCase(),
        List.of(new Piece("base.tar", "p/" + id + "/base.tar", 100 + start, "ab" + id)));
  }

  static LogManifest logs(long start, long end) {
    return new LogManifest("wal-" + start, "orders", Dialect.POSTGRESQL, 1, IDENTITY, T0.plusSeconds(start * 60), T0.plusSeconds(end * 60),
        "0/" + Long.toHexString(start * 4096).toUpperCase(), "0/" + Long.toHexString(end * 4096).toUpperCase(),
        List.of(new Piece("wal.tar", "p/wal-" + start + "/wal.tar", 16, "cd" + start)));
  }

  static CatalogSnapshot catalog() {
    List<LogManifest> logs = new ArrayList<>();
    for (long start = 0; start < 600; start += 60) {
      logs.add(logs(start, start + 60));
    }
    return new CatalogSnapshot("orders", Dialect.POSTGRESQL, List.of(backup("full-1", BackupType.FULL, null, 0, 10, 1),
        backup("incr-1", BackupType.INCREMENTAL, "full-1", 300, 305, 1)), logs);
  }

  @Test
  void shouldShowAndHashEveryPieceTheCommandsThePointAndWhatIsLost() {
    RecoveryPlan plan = PointInTimePlanner.plan(catalog(), RecoveryPoint.at(T0.plusSeconds(400 * 60)));
    RestorePlanView view = RestorePlanView.of(plan, "orders-dr", List.of("pg_ctl stop -m fast", "restore_command = '...'"));

    assertThat(view.canonicalLines()).contains("target orders", "destination orders-dr", "point 2026-11-01T06:40:00Z",
        "recover to time 2026-11-01T06:40:00Z", "recover to position -", "timeline 1 of database " + IDENTITY,
        "piece p/full-1/base.tar 100 sha256 abfull-1", "piece p/incr-1/base.tar 400 sha256 abincr-1", "command pg_ctl stop -m fast",
        "data loss " + plan.dataLoss());
    assertThat(view.canonicalLines()).anyMatch(line -> line.startsWith("backup FULL full-1 (")).anyMatch(line -> line.startsWith("logs wal-300 ("))
        .noneMatch(line -> line.contains("wal-240"));
    assertThat(view.text()).contains("RESTORE orders-dr (POSTGRESQL) from the backups of orders to 2026-11-01T06:40:00Z",
        "Recovery stops at 2026-11-01T06:40:00Z, timeline 1", "DATA LOSS\n" + plan.dataLoss(), "PIECES TO DOWNLOAD (4, 532 bytes)",
        "  p/incr-1/base.tar  400 bytes  sha256 abincr-1", "COMMANDS ON orders-dr\n  pg_ctl stop -m fast", "PLAN HASH " + view.hash(),
        "LOG BATCHES (2)", "BACKUPS\n  FULL full-1 (", "\n  INCREMENTAL incr-1 (", "\n  wal-300 (").doesNotContain("(position");
    assertThat(view.totalBytes()).isEqualTo(532);

    assertThat(RestorePlanView.of(plan, "orders-dr", List.of("pg_ctl stop -m fast")).hash()).isNotEqualTo(view.hash());
    assertThat(RestorePlanView.of(plan, "orders", List.of("pg_ctl stop -m fast", "restore_command = '...'")).hash()).isNotEqualTo(view.hash());
    assertThat(RestorePlanView.of(plan, "orders-dr", List.of("pg_ctl stop -m fast", "restore_command = '...'")).hash()).isEqualTo(view.hash());
    RecoveryPlan later = PointInTimePlanner.plan(catalog(), RecoveryPoint.at(T0.plusSeconds(500 * 60)));
    assertThat(view.changesTo(RestorePlanView.of(later, "orders-dr", view.commands()))).contains("- point 2026-11-01T06:40:00Z",
        "+ point 2026-11-01T08:20:00Z", "+ piece p/wal-420/wal.tar");
  }

  @Test
  void shouldSayWhichSegmentsOfABatchAreLeftOutAndWhy() {
    long segment = 16L * 1024 * 1024;
    List<Piece> first = new ArrayList<>(List.of(new Piece("00000001.history", "p/wal-a/00000001.history", 40, "h1")));
    for (int number = 1; number <= 6; number++) {
      String name = String.format("00000001%016X", number);
      first.add(new Piece(name, "p/wal-a/" + name, segment, "s" + number));
    }
    BackupManifest full = new BackupManifest("full-1", "orders", Dialect.POSTGRESQL, BackupType.FULL, null, 1, IDENTITY, T0.plusSeconds(60),
        T0.plusSeconds(120), "0/4000028", "0/4000100", List.of(new Piece("base.tar", "p/full-1/base.tar", 100, "ab")));
    LogManifest a = new LogManifest("wal-a", "orders", Dialect.POSTGRESQL, 1, IDENTITY, T0, T0.plusSeconds(180), "0/1000000", "0/7000000",
        first);
    LogManifest b = new LogManifest("wal-b", "orders", Dialect.POSTGRESQL, 1, IDENTITY, T0.plusSeconds(180), T0.plusSeconds(240),
        "0/7000000", "0/8000000", List.of(new Piece("000000010000000000000007", "p/wal-b/000000010000000000000007", segment, "s7")));
    RecoveryPlan plan = PointInTimePlanner.plan(new CatalogSnapshot("orders", Dialect.POSTGRESQL, List.of(full), List.of(a, b)),
        RecoveryPoint.latest());
    RestorePlanView view = RestorePlanView.of(plan, "orders");

    String batchA = "wal-a (" + T0 + " to " + T0.plusSeconds(180) + ", positions 0/1000000 to 0/7000000): 4 of 7 pieces downloaded ("
        + (40 + 3 * segment) + " bytes); 3 left out (000000010000000000000001 to 000000010000000000000003), WAL that ends before"
        + " position 0/4000028 where recovery starts";
    assertThat(view.logBatches()).containsExactly(batchA, "wal-b (" + T0.plusSeconds(180) + " to " + T0.plusSeconds(240)
        + ", positions 0/7000000 to 0/8000000)");
    assertThat(view.canonicalLines()).contains("logs " + batchA).doesNotContain("piece p/wal-a/000000010000000000000003 " + segment
        + " sha256 s3").contains("piece p/wal-a/000000010000000000000004 " + segment + " sha256 s4",
        "piece p/wal-a/00000001.history 40 sha256 h1");
    assertThat(view.text()).contains("PIECES TO DOWNLOAD (6, " + (100 + 40 + 4 * segment) + " bytes)", "  " + batchA + "\n");
  }

  @Test
  void shouldSayWhichSegmentsAreLeftOutAfterThePointBesidesThoseBeforeTheStart() {
    long segment = 16L * 1024 * 1024;
    List<Piece> pieces = new ArrayList<>();
    java.util.Map<String, java.time.Instant> ends = new java.util.TreeMap<>();
    for (int number = 1; number <= 9; number++) {
      String name = String.format("00000001%016X", number);
      pieces.add(new Piece(name, "p/wal-a/" + name, segment, "s" + number));
      ends.put(name, T0.plusSeconds(number * 20L));
    }
    BackupManifest full = new BackupManifest("full-1", "orders", Dialect.POSTGRESQL, BackupType.FULL, null, 1, IDENTITY, T0.plusSeconds(60),
        T0.plusSeconds(70), "0/3000028", "0/3000100", List.of(new Piece("base.tar", "p/full-1/base.tar", 100, "ab")));
    LogManifest a = new LogManifest("wal-a", "orders", Dialect.POSTGRESQL, 1, IDENTITY, T0.plusSeconds(20), T0.plusSeconds(180),
        "0/1000000", "0/A000000", pieces, ends);
    RecoveryPlan plan = PointInTimePlanner.plan(new CatalogSnapshot("orders", Dialect.POSTGRESQL, List.of(full), List.of(a)),
        RecoveryPoint.at(T0.plusSeconds(95)));

    // Start in segment 3; the first transaction end after the point is segment 5's (100 s): 5 and 6 kept.
    assertThat(RestorePlanView.of(plan, "orders").logBatches()).containsExactly("wal-a (" + T0.plusSeconds(20) + " to "
        + T0.plusSeconds(180) + ", positions 0/1000000 to 0/A000000): 4 of 9 pieces downloaded (" + 4 * segment + " bytes); 2 left out"
        + " (000000010000000000000001 to 000000010000000000000002), WAL that ends before position 0/3000028 where recovery starts;"
        + " 3 left out (000000010000000000000007 to 000000010000000000000009), WAL after the segment that ends the first transaction"
        + " after the point, where recovery stops");
    assertThat(plan.pieces()).extracting(Piece::name).containsExactly("base.tar", "000000010000000000000003", "000000010000000000000004",
        "000000010000000000000005", "000000010000000000000006");
    // The stop in segment 7 (140 s): 8 kept, only 9 left out after the point.
    RecoveryPlan later = PointInTimePlanner.plan(new CatalogSnapshot("orders", Dialect.POSTGRESQL, List.of(full), List.of(a)),
        RecoveryPoint.at(T0.plusSeconds(135)));
    assertThat(RestorePlanView.of(later, "orders").logBatches().get(0)).endsWith("where recovery starts; 1 left out"
        + " (000000010000000000000009), WAL after the segment that ends the first transaction after the point, where recovery stops");
  }

  @Test
  void shouldShowThePositionOfLatest() {
    RecoveryPlan latest = PointInTimePlanner.plan(catalog(), RecoveryPoint.latest());
    RestorePlanView view = RestorePlanView.of(latest, "orders");

    assertThat(view.canonicalLines()).contains("point latest", "recover to position 0/258000");
    assertThat(view.text()).contains("(position 0/258000)").doesNotContain("COMMANDS ON");
    assertThat(view.commands()).isEmpty();
  }

  @Test
  void shouldBuildAnIncrementalOnTheNewestBackupOfTheNewestFullsChain() {
    BackupManifest full1 = backup("full-1", BackupType.FULL, null, 0, 10, 1);
    BackupManifest incr1 = backup("incr-1", BackupType.INCREMENTAL, "full-1", 100, 105, 1);
    BackupManifest incr2 = backup("incr-2", BackupType.INCREMENTAL, "incr-1", 200, 205, 1);
    BackupManifest full2 = backup("full-2", BackupType.FULL, null, 300, 310, 1);
    BackupManifest otherLine = backup("incr-x", BackupType.INCREMENTAL, "full-2", 400, 405, 2);

    assertThat(DatabaseBackupService.newestOfChain(snapshot())).isEmpty();
    assertThat(DatabaseBackupService.newestOfChain(snapshot(full1))).contains(full1);
    assertThat(DatabaseBackupService.newestOfChain(snapshot(incr2, full1, incr1))).contains(incr2);
    assertThat(DatabaseBackupService.newestOfChain(snapshot(full1, incr1, incr2, full2))).contains(full2);
    assertThat(DatabaseBackupService.newestOfChain(snapshot(full1, full2, otherLine))).as("not across a timeline").contains(full2);
  }

  private static CatalogSnapshot snapshot(BackupManifest... backups) {
    return new CatalogSnapshot("orders", Dialect.POSTGRESQL, List.of(backups), List.of());
  }
}
