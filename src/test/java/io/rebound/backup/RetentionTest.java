package io.rebound.backup;

import static io.rebound.backup.Catalogs.at;
import static io.rebound.backup.Catalogs.lsn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.target.Dialect;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionTest {

  private static final Duration DAY = Duration.ofDays(1);

  /** Three weekly cycles of a FULL and daily INCREMENTALs, logs every 30 minutes, for 21 days. */
  private static CatalogSnapshot threeWeeks() {
    Catalogs catalogs = new Catalogs();
    String previous = null;
    for (int day = 0; day < 21; day++) {
      long start = day * 1440L;
      String id = "b" + day;
      if (day % 7 == 0) {
        catalogs.full(id, start, start + 60);
      } else {
        catalogs.incremental(id, previous, start, start + 30);
      }
      previous = id;
    }
    return catalogs.logs(0, 21 * 1440, 30).snapshot();
  }

  private static List<String> ids(List<BackupManifest> backups) {
    return backups.stream().map(BackupManifest::id).toList();
  }

  @Test
  void shouldKeepTheCycleTheWindowStartsInAndDeleteTheOlderOne() {
    // Window of 4 days ending on day 20: it starts on day 16, inside the cycle of b14.
    Retention.Decision decision = Retention.decide(threeWeeks(), at(20 * 1440 + 100), Duration.ofDays(4));

    assertThat(ids(decision.deleteBackups())).containsExactly("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10",
        "b11", "b12", "b13");
    assertThat(ids(decision.keepBackups())).containsExactly("b14", "b15", "b16", "b17", "b18", "b19", "b20");
    // The window's start is restored from b14, b15 and b16 (the last INCREMENTAL before it): logs from b16's start on.
    assertThat(decision.keepLogs()).allSatisfy(batch -> assertThat(batch.endTime()).isAfter(at(16 * 1440)));
    assertThat(decision.deleteLogs()).allSatisfy(batch -> assertThat(batch.endTime()).isBeforeOrEqualTo(at(16 * 1440)));
    assertThat(decision.deleteLogs()).isNotEmpty();
  }

  @Test
  void shouldKeepTheIncrementalChainTheWindowStartNeedsEvenWhenOld() {
    Retention.Decision decision = Retention.decide(threeWeeks(), at(20 * 1440 + 100), Duration.ofHours(12));

    assertThat(ids(decision.keepBackups())).containsExactly("b14", "b15", "b16", "b17", "b18", "b19", "b20");
  }

  @Test
  void shouldKeepEverythingWhileTheWindowReachesBackBeforeTheFirstFull() {
    Retention.Decision decision = Retention.decide(threeWeeks(), at(3 * 1440), Duration.ofDays(14));

    assertThat(decision.deleteBackups()).isEmpty();
    assertThat(decision.deleteLogs()).isEmpty();
  }

  @Test
  void shouldKeepWhatEndsInsideTheWindowEvenWhenNoPlanUsesIt() {
    CatalogSnapshot catalog = new Catalogs().full("f1", 0, 60).logs(0, 3000, 30)
        .incremental("orphan", "missing", 2000, 2010).snapshot();

    Retention.Decision decision = Retention.decide(catalog, at(3000), Duration.ofMinutes(1500));

    assertThat(ids(decision.keepBackups())).containsExactly("f1", "orphan");
  }

  @Test
  void shouldDeleteAnOldTimelineNoPointInTheWindowIsOn() {
    CatalogSnapshot catalog = new Catalogs().full("t1", 0, 60).logs(0, 2000, 30)
        .backup("t2", BackupType.FULL, null, 3000, 3060, lsn(1500), lsn(1560), 2, Catalogs.IDENTITY)
        .logs(3000, 9000, lsn(1500), lsn(7500), 2, Catalogs.IDENTITY).snapshot();

    Retention.Decision decision = Retention.decide(catalog, at(9000), Duration.ofMinutes(4000));

    assertThat(ids(decision.deleteBackups())).containsExactly("t1");
    assertThat(decision.deleteLogs()).allSatisfy(batch -> assertThat(batch.timeline()).isEqualTo(1)).hasSize(67);
  }

  @Test
  void shouldKeepTheLogsOfANewTimelinesFullThatSpansTheWindowStart() {
    // Timeline 2 began at minute 1000 from position lsn(500); its first FULL runs from 1900 to 2100, across the window's
    // start, and only the points between 2100 and its next FULL need the logs it started with.
    Catalogs catalogs = new Catalogs().full("t1", 0, 60).logs(0, 1000, 50);
    for (long start = 1000; start < 3000; start += 50) {
      catalogs.logs(start, start + 50, lsn(start - 500), lsn(start - 450), 2, Catalogs.IDENTITY);
    }
    CatalogSnapshot catalog = catalogs.backup("t2", BackupType.FULL, null, 1900, 2100, lsn(1400), lsn(1600), 2, Catalogs.IDENTITY)
        .backup("t2-next", BackupType.FULL, null, 2700, 2800, lsn(2200), lsn(2300), 2, Catalogs.IDENTITY).snapshot();

    Retention.Decision decision = Retention.decide(catalog, at(3000), Duration.ofMinutes(1000));

    assertThat(decision.keepLogs()).anySatisfy(batch -> {
      assertThat(batch.timeline()).isEqualTo(2);
      assertThat(batch.startPosition()).isEqualTo(lsn(1400));
    });
    CatalogSnapshot kept = new CatalogSnapshot(catalog.target(), catalog.dialect(), decision.keepBackups(), decision.keepLogs());
    assertThat(PointInTimePlanner.plan(kept, RecoveryPoint.at(at(2100))))
        .isEqualTo(PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(2100))));
  }

  @Test
  void shouldRefuseANegativeWindow() {
    assertThatThrownBy(() -> Retention.decide(threeWeeks(), at(0), Duration.ofDays(-1))).hasMessageContaining("negative");
  }

  /**
   * Over generated catalogs (FULL cycles, INCREMENTAL chains, logs with gaps, restores opening new timelines): every
   * point inside the window that the whole catalog restores is restored the same way from what retention keeps.
   */
  @Test
  void shouldNeverDeleteWhatAPointInsideTheWindowNeeds() {
    Random random = new Random(20261130L);
    int deleted = 0;
    int checkedPlans = 0;
    for (int run = 0; run < 100; run++) {
      CatalogSnapshot catalog = generate(random);
      long span = catalog.logs().stream().map(LogManifest::endTime).max(Instant::compareTo).map(end -> minutes(end)).orElse(1440L);
      Instant now = at(span / 4 + (long) (random.nextDouble() * span));
      Duration window = Duration.ofMinutes(1 + random.nextInt(12 * 1440));
      Retention.Decision decision = Retention.decide(catalog, now, window);
      CatalogSnapshot kept = new CatalogSnapshot(catalog.target(), catalog.dialect(), decision.keepBackups(), decision.keepLogs());
      assertThat(decision.keepBackups().size() + decision.deleteBackups().size()).isEqualTo(catalog.backups().size());
      assertThat(decision.keepLogs().size() + decision.deleteLogs().size()).isEqualTo(catalog.logs().size());
      deleted += decision.deleteBackups().size() + decision.deleteLogs().size();

      List<Instant> points = new ArrayList<>(List.of(now.minus(window), now));
      catalog.backups().forEach(backup -> {
        points.add(backup.endTime());
        points.add(backup.endTime().minusSeconds(1));
      });
      for (int i = 0; i < 60; i++) {
        points.add(now.minus(window).plusMillis((long) (random.nextDouble() * window.toMillis())));
      }
      for (Instant point : points) {
        if (point.isBefore(now.minus(window)) || point.isAfter(now)) {
          continue;
        }
        Optional<RecoveryPlan> whole = plan(catalog, RecoveryPoint.at(point));
        if (whole.isPresent()) {
          checkedPlans++;
          assertThat(plan(kept, RecoveryPoint.at(point))).as("run %d, point %s, now %s, window %s", run, point, now, window)
              .contains(whole.get());
        }
      }
      Optional<RecoveryPlan> latest = plan(catalog, RecoveryPoint.latest());
      latest.ifPresent(plan -> assertThat(plan(kept, RecoveryPoint.latest())).contains(plan));
    }
    assertThat(deleted).as("retention deletes something in some catalogs").isGreaterThan(300);
    assertThat(checkedPlans).as("points restorable in the window").isGreaterThan(1000);
  }

  private static Optional<RecoveryPlan> plan(CatalogSnapshot catalog, RecoveryPoint point) {
    try {
      return Optional.of(PointInTimePlanner.plan(catalog, point));
    } catch (PlanRefusedException e) {
      return Optional.empty();
    }
  }

  private static long minutes(Instant instant) {
    return Duration.between(Catalogs.EPOCH, instant).toMinutes();
  }

  /** Up to 40 days of one database: backups most days, logs in batches, now and then a gap or a restore. */
  private static CatalogSnapshot generate(Random random) {
    Catalogs catalogs = new Catalogs();
    Set<String> ids = new HashSet<>();
    long timeline = 1;
    String identity = Catalogs.IDENTITY;
    long position = 0;
    String previous = null;
    int days = 5 + random.nextInt(36);
    int fullEvery = 2 + random.nextInt(7);
    long minute = 0;
    long logStart = 0;
    long logPosition = 0;
    for (int day = 0; day < days; day++) {
      long dayStart = day * 1440L;
      // Logs up to the day's backup, in batches of 10 to 240 minutes, sometimes one missing.
      long backupStart = dayStart + random.nextInt(600);
      while (logStart < backupStart) {
        long end = Math.min(backupStart, logStart + 10 + random.nextInt(230));
        long endPosition = logPosition + (end - logStart) * 4096;
        if (random.nextInt(40) != 0) {
          catalogs.logs(logStart, end, hex(logPosition), hex(endPosition), timeline, identity);
        }
        logStart = end;
        logPosition = endPosition;
      }
      if (random.nextInt(25) == 0) {
        // A restore to an earlier position opens a new timeline; sometimes the database is created anew.
        timeline++;
        logPosition = Math.max(0, logPosition - random.nextInt(100) * 4096L);
        previous = null;
        if (random.nextInt(3) == 0) {
          identity = String.valueOf(7000000000000000000L + random.nextInt(1000000));
          timeline = 1;
          logPosition = 0;
        }
      }
      if (random.nextInt(8) == 0) {
        continue;
      }
      long duration = 5 + random.nextInt(120);
      boolean full = previous == null || day % fullEvery == 0;
      String id = "b" + day;
      ids.add(id);
      String parent = full ? null : (random.nextInt(30) == 0 ? "lost" : previous);
      catalogs.backup(id, full ? BackupType.FULL : BackupType.INCREMENTAL, parent, backupStart, backupStart + duration,
          hex(logPosition), hex(logPosition + duration * 4096), timeline, identity);
      previous = id;
      minute = backupStart + duration;
    }
    long end = days * 1440L + minute % 7;
    while (logStart < end) {
      long next = Math.min(end, logStart + 10 + random.nextInt(230));
      long endPosition = logPosition + (next - logStart) * 4096;
      catalogs.logs(logStart, next, hex(logPosition), hex(endPosition), timeline, identity);
      logStart = next;
      logPosition = endPosition;
    }
    return catalogs.snapshot();
  }

  private static String hex(long value) {
    return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
  }

  @Test
  void shouldOrderPositionsAsTheirDatabaseCounts() {
    assertThat(Positions.order(Dialect.ORACLE).compare("9", "10")).isNegative();
    assertThat(Positions.order(Dialect.ORACLE).compare("10", "10")).isZero();
    assertThat(Positions.order(Dialect.POSTGRESQL).compare("F/0", "10/0")).isNegative();
    assertThat(Positions.order(Dialect.POSTGRESQL).compare("0/FFFFFFFF", "1/0")).isNegative();
    assertThat(Positions.order(Dialect.POSTGRESQL).compare("1/a", "1/A")).isZero();
    assertThat(Positions.value(Dialect.POSTGRESQL, "1/0")).isEqualTo(new java.math.BigInteger("4294967296"));
    assertThatThrownBy(() -> Positions.value(Dialect.ORACLE, "16/B374D848")).hasMessageContaining("not an Oracle SCN");
    assertThatThrownBy(() -> Positions.value(Dialect.POSTGRESQL, "12345")).hasMessageContaining("not a PostgreSQL LSN");
    assertThatThrownBy(() -> Positions.value(Dialect.POSTGRESQL, "1/123456789")).hasMessageContaining("not a PostgreSQL LSN");
    assertThatThrownBy(() -> Positions.value(Dialect.ORACLE, null)).hasMessageContaining("required");
  }
}
