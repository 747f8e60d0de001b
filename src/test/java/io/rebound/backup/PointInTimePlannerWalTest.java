package io.rebound.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.target.Dialect;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Which WAL segments of the log batches a PostgreSQL restore downloads: those recovery reads from the last base's
 * start on, never fewer. Batches here hold one piece per 16 MiB segment, named as the archive names them.
 */
class PointInTimePlannerWalTest {

  private static final long SEGMENT = 16L * 1024 * 1024;
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static final String IDENTITY = "7301188211537469442";

  private static Instant at(long minute) {
    return T0.plus(Duration.ofMinutes(minute));
  }

  private static String lsn(long value) {
    return String.format(Locale.ROOT, "%X/%X", value >>> 32, value & 0xFFFF_FFFFL);
  }

  private static String segment(long timeline, long number, long size) {
    long perLogId = 0x1_0000_0000L / size;
    return String.format(Locale.ROOT, "%08X%08X%08X", timeline, number / perLogId, number % perLogId);
  }

  private static BackupManifest backup(String id, BackupType type, String parent, long timeline, long startMinute, long endMinute,
      long startLsn, long endLsn) {
    return new BackupManifest(id, "orders", Dialect.POSTGRESQL, type, parent, timeline, IDENTITY, at(startMinute), at(endMinute),
        lsn(startLsn), lsn(endLsn), List.of(new Piece("base.tar", "b/" + id + "/base.tar", 1000, "aa"),
            new Piece("backup_label", "b/" + id + "/backup_label", 200, "bb")));
  }

  /** A batch of whole segments {@code first} to {@code last} of a timeline, with extra pieces (history files) first. */
  private static LogManifest batch(String id, long timeline, long startMinute, long endMinute, long first, long last, long size,
      Piece... extra) {
    List<Piece> pieces = new ArrayList<>(List.of(extra));
    for (long number = first; number <= last; number++) {
      String name = segment(timeline, number, size);
      pieces.add(new Piece(name, "l/" + id + "/" + name, size, "cc"));
    }
    return new LogManifest(id, "orders", Dialect.POSTGRESQL, timeline, IDENTITY, at(startMinute), at(endMinute), lsn(first * size),
        lsn((last + 1) * size), pieces);
  }

  /**
   * FULL f1 starting in segment 2, INCREMENTAL i1 starting in segment 10; batch A ships segments 1-4, B (shipped with
   * the INCREMENTAL) 5-12, straddling its start, C 13-15.
   */
  private static CatalogSnapshot cycle() {
    return new CatalogSnapshot("orders", Dialect.POSTGRESQL,
        List.of(backup("f1", BackupType.FULL, null, 1, 0, 1, 2 * SEGMENT + 0x28, 3 * SEGMENT + 0x100),
            backup("i1", BackupType.INCREMENTAL, "f1", 1, 60, 61, 10 * SEGMENT + 0x28, 11 * SEGMENT + 0x200)),
        List.of(batch("A", 1, -1, 5, 1, 4, SEGMENT), batch("B", 1, 5, 65, 5, 12, SEGMENT), batch("C", 1, 65, 90, 13, 15, SEGMENT)));
  }

  private static List<String> names(RecoveryPlan plan) {
    return plan.pieces().stream().map(Piece::name).toList();
  }

  private static List<String> segments(long timeline, long first, long last) {
    List<String> names = new ArrayList<>();
    for (long number = first; number <= last; number++) {
      names.add(segment(timeline, number, SEGMENT));
    }
    return names;
  }

  @Test
  void shouldLeaveOutTheSegmentsOfABatchThatEndBeforeTheIncrementalStarts() {
    RecoveryPlan plan = PointInTimePlanner.plan(cycle(), RecoveryPoint.at(at(63)));

    assertThat(plan.backups()).extracting(BackupManifest::id).containsExactly("f1", "i1");
    assertThat(plan.logs()).extracting(LogManifest::id).containsExactly("B");
    assertThat(names(plan)).containsExactlyElementsOf(concat(List.of("base.tar", "backup_label", "base.tar", "backup_label"),
        segments(1, 10, 12)));
    assertThat(names(plan)).doesNotContainAnyElementsOf(segments(1, 5, 9));
    assertThat(plan.totalBytes()).isEqualTo(2 * 1200 + 3 * SEGMENT);
  }

  @Test
  void shouldKeepEverySegmentFromTheStartSegmentOnForLatest() {
    RecoveryPlan plan = PointInTimePlanner.plan(cycle(), RecoveryPoint.latest());

    assertThat(plan.logs()).extracting(LogManifest::id).containsExactly("B", "C");
    assertThat(names(plan)).endsWith(segments(1, 10, 15).toArray(String[]::new));
    assertThat(names(plan)).doesNotContainAnyElementsOf(segments(1, 1, 9));
    assertThat(plan.totalBytes()).isEqualTo(1200 + 1200 + 6 * SEGMENT);
  }

  @Test
  void shouldKeepTheWholeBatchThatReachesAPointJustAfterTheBackupEnds() {
    RecoveryPlan plan = PointInTimePlanner.plan(cycle(), RecoveryPoint.at(at(61).plusSeconds(1)));

    assertThat(plan.logs()).extracting(LogManifest::id).containsExactly("B");
    // Segments after the point stay: the manifest does not say when each one ends.
    assertThat(names(plan)).containsSubsequence(segments(1, 10, 12));
  }

  @Test
  void shouldStartFromTheFullsStartSegmentBeforeTheIncremental() {
    RecoveryPlan plan = PointInTimePlanner.plan(cycle(), RecoveryPoint.at(at(30)));

    assertThat(plan.backups()).extracting(BackupManifest::id).containsExactly("f1");
    assertThat(plan.logs()).extracting(LogManifest::id).containsExactly("A", "B");
    assertThat(names(plan)).containsExactlyElementsOf(concat(List.of("base.tar", "backup_label"), segments(1, 2, 12)));
  }

  @Test
  void shouldKeepTheSegmentBeforeAStartExactlyAtASegmentBoundary() {
    CatalogSnapshot catalog = new CatalogSnapshot("orders", Dialect.POSTGRESQL,
        List.of(backup("f1", BackupType.FULL, null, 1, 0, 1, 8 * SEGMENT, 8 * SEGMENT + 0x100)),
        List.of(batch("A", 1, -1, 5, 5, 9, SEGMENT)));

    RecoveryPlan plan = PointInTimePlanner.plan(catalog, RecoveryPoint.latest());

    assertThat(names(plan)).containsExactlyElementsOf(concat(List.of("base.tar", "backup_label"), segments(1, 7, 9)));
  }

  @Test
  void shouldKeepTheHistoryFileAndDropOnlySegmentsBeforeTheStartOnANewTimeline() {
    Piece history = new Piece("00000002.history", "l/D/00000002.history", 42, "dd");
    CatalogSnapshot catalog = new CatalogSnapshot("orders", Dialect.POSTGRESQL,
        List.of(backup("f1", BackupType.FULL, null, 1, 0, 1, 2 * SEGMENT + 0x28, 3 * SEGMENT),
            backup("f2", BackupType.FULL, null, 2, 100, 101, 20 * SEGMENT + 0x28, 20 * SEGMENT + 0x400)),
        List.of(batch("A", 1, -1, 90, 1, 18, SEGMENT), batch("D", 2, 90, 120, 18, 22, SEGMENT, history)));

    RecoveryPlan plan = PointInTimePlanner.plan(catalog, RecoveryPoint.at(at(110)));

    assertThat(plan.backups()).extracting(BackupManifest::id).containsExactly("f2");
    assertThat(plan.logs()).extracting(LogManifest::id).containsExactly("D");
    assertThat(names(plan)).containsExactlyElementsOf(concat(List.of("base.tar", "backup_label", "00000002.history"),
        segments(2, 20, 22)));
  }

  @Test
  void shouldKeepEveryPieceItCannotTakeSurelyForASegmentOfTheBatchBeforeTheStart() {
    List<Piece> doubtful = List.of(
        new Piece("000000010000000000000003", "x/odd-size", SEGMENT - 1, "ee"),
        new Piece("000000010000000000000003", "x/three-mib", 3L * 1024 * 1024, "ee"),
        new Piece("000000010000000000000003", "x/512-kib", 512L * 1024, "ee"),
        new Piece("000000010000000000000003", "x/2-gib", 2L * 1024 * 1024 * 1024, "ee"),
        new Piece("000000020000000000000003", "x/other-timeline", SEGMENT, "ee"),
        new Piece("000000010000000000000001", "x/before-the-batch", SEGMENT, "ee"),
        new Piece("000000010000000000000100", "x/segment-number-too-high", SEGMENT, "ee"),
        new Piece("000000010000000100000003", "x/after-the-batch", SEGMENT, "ee"),
        new Piece("00000001000000000000000a", "x/lower-case", SEGMENT, "ee"),
        new Piece("segments.tar", "x/segments.tar", SEGMENT, "ee"));
    Piece sure = new Piece("000000010000000000000003", "x/sure", SEGMENT, "ee");
    List<Piece> pieces = new ArrayList<>(doubtful);
    pieces.add(sure);
    LogManifest batch = new LogManifest("A", "orders", Dialect.POSTGRESQL, 1, IDENTITY, at(0), at(10), lsn(2 * SEGMENT),
        lsn(12 * SEGMENT), pieces);

    List<Piece> read = PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, BigInteger.valueOf(10 * SEGMENT + 0x28));

    assertThat(read).containsExactlyElementsOf(doubtful);
  }

  @Test
  void shouldKeepTheWholeBatchWhenItStartsAtOrAfterTheStart() {
    LogManifest batch = batch("A", 1, 0, 10, 4, 6, SEGMENT);

    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, BigInteger.valueOf(4 * SEGMENT))).isEqualTo(batch.pieces());
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, BigInteger.valueOf(4 * SEGMENT + 1)))
        .isEqualTo(batch.pieces());
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, BigInteger.valueOf(5 * SEGMENT + 1)))
        .isEqualTo(batch.pieces().subList(1, 3));
  }

  @Test
  void shouldLeaveOutSegmentsOfTheSmallestAndTheLargestSizeAndUpToTheBatchsEnd() {
    long smallest = 1024L * 1024;
    long largest = 1024L * 1024 * 1024;
    LogManifest small = batch("S", 1, 0, 10, 8, 11, smallest);
    LogManifest large = batch("L", 1, 0, 10, 2, 3, largest);

    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, small, BigInteger.valueOf(12 * smallest + 0x28))).isEmpty();
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, large, BigInteger.valueOf(3 * largest + 0x28)))
        .containsExactly(large.pieces().get(1));
  }

  @Test
  void shouldKeepAPieceWhoseSegmentNumberDoesNotFitItsSize() {
    // 0x100 is one past the last segment of a 4 GiB log file of 16 MiB segments: read naively, it would be 1/0.
    Piece misnamed = new Piece("000000010000000000000100", "x/misnamed", SEGMENT, "ee");
    Piece before = new Piece("000000010000000000000FF", "x/not-a-name", SEGMENT, "ee");
    LogManifest batch = new LogManifest("A", "orders", Dialect.POSTGRESQL, 1, IDENTITY, at(0), at(10), "0/FF000000", "1/2000000",
        List.of(misnamed, before, new Piece("0000000100000000000000FF", "x/ff", SEGMENT, "ee")));

    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, BigInteger.ONE.shiftLeft(32).add(BigInteger.valueOf(0x3000028))))
        .containsExactly(misnamed, before);
  }

  @Test
  void shouldKeepEveryPieceOfAnOracleBatch() {
    LogManifest batch = new LogManifest("A", "ora", Dialect.ORACLE, 1, IDENTITY, at(0), at(10), "100", "900",
        List.of(new Piece("000000010000000000000001", "o/1", SEGMENT, "ee")));

    assertThat(PointInTimePlanner.piecesRead(Dialect.ORACLE, batch, BigInteger.valueOf(800))).isEqualTo(batch.pieces());
  }

  /**
   * Over generated catalogs (segment sizes, batch lengths, where the backups start, the point): every segment from
   * the one holding the last base's start to the end of the last batch used is in the plan, and every segment left
   * out ends before that start.
   */
  @Test
  void shouldDownloadEverySegmentRecoveryReadsOverGeneratedCatalogs() {
    Random random = new Random(20261201);
    long[] sizes = {1024L * 1024, 16L * 1024 * 1024, 64L * 1024 * 1024, 1024L * 1024 * 1024};
    int leftOut = 0;
    for (int round = 0; round < 500; round++) {
      long size = sizes[random.nextInt(sizes.length)];
      long timeline = 1 + random.nextInt(3);
      List<LogManifest> batches = new ArrayList<>();
      long number = random.nextInt(300);
      long minute = 0;
      int count = 2 + random.nextInt(12);
      for (int i = 0; i < count; i++) {
        long length = 1 + random.nextInt(40);
        long duration = 1 + random.nextInt(30);
        batches.add(batch("b" + i, timeline, minute, minute + duration, number, number + length - 1, size));
        number += length;
        minute += duration;
      }
      long firstStart = WalPositions.start(batches.get(0));
      long lastEnd = WalPositions.end(batches.get(batches.size() - 1));
      // A FULL starting somewhere in the first half, an INCREMENTAL later, both ending within a segment of their start.
      long fullStart = firstStart + (long) (random.nextDouble() * (lastEnd - firstStart) / 2);
      long incrementalStart = fullStart + (long) (random.nextDouble() * (lastEnd - fullStart) / 2);
      boolean boundary = random.nextInt(5) == 0;
      if (boundary) {
        incrementalStart = Math.max(fullStart, incrementalStart - incrementalStart % size);
      }
      long fullMinute = minuteAt(batches, fullStart);
      long incrementalMinute = Math.max(fullMinute, minuteAt(batches, incrementalStart));
      List<BackupManifest> backups = List.of(
          backup("f", BackupType.FULL, null, timeline, fullMinute, fullMinute, fullStart, fullStart + 0x100),
          backup("i", BackupType.INCREMENTAL, "f", timeline, incrementalMinute, incrementalMinute, incrementalStart,
              incrementalStart + 0x100));
      CatalogSnapshot catalog = new CatalogSnapshot("orders", Dialect.POSTGRESQL, backups, batches);
      // A point before the last transaction shipped (recovery stops at the first one after it), or latest.
      RecoveryPoint point = random.nextInt(4) == 0 || minute == incrementalMinute ? RecoveryPoint.latest()
          : RecoveryPoint.at(at(incrementalMinute).plusSeconds(random.nextInt((int) (minute - incrementalMinute) * 60)));

      RecoveryPlan plan = PointInTimePlanner.plan(catalog, point);

      assertThat(plan.backups()).extracting(BackupManifest::id).containsExactly("f", "i");
      long start = incrementalStart;
      Set<String> planned = new HashSet<>(names(plan));
      long lastBatchEnd = WalPositions.end(plan.logs().get(plan.logs().size() - 1));
      for (long segmentNumber = start / size; segmentNumber * size < lastBatchEnd; segmentNumber++) {
        assertThat(planned).as("round %d: segment %d (size %d) from the start %s to the end of the point's batch", round,
            segmentNumber, size, lsn(start)).contains(segment(timeline, segmentNumber, size));
      }
      for (LogManifest batch : plan.logs()) {
        for (Piece piece : batch.pieces()) {
          if (!planned.contains(piece.name())) {
            long end = WalPositions.start(piece.name(), size) + size;
            assertThat(end).as("round %d: %s left out", round, piece.name()).isLessThan(start);
            leftOut++;
          }
        }
      }
    }
    assertThat(leftOut).as("segments left out over all rounds").isGreaterThan(1000);
  }

  /** The batch with transaction ends recorded: segment {@code first + i} ends its last transaction at {@code minutes[i]} (none when negative). */
  private static LogManifest withEnds(LogManifest batch, long first, long... minutes) {
    Map<String, Instant> ends = new TreeMap<>();
    for (int i = 0; i < minutes.length; i++) {
      if (minutes[i] >= 0) {
        ends.put(segment(batch.timeline(), first + i, SEGMENT), at(minutes[i]));
      }
    }
    return new LogManifest(batch.id(), batch.target(), batch.dialect(), batch.timeline(), batch.databaseIdentity(), batch.startTime(),
        batch.endTime(), batch.startPosition(), batch.endPosition(), batch.pieces(), ends);
  }

  @Test
  void shouldLeaveOutTheSegmentsAfterTheOneThatEndsTheFirstTransactionAfterThePoint() {
    // Segments 10 to 15, their last transactions ending at minutes 1, 2, (none), 4, 5, 6.
    LogManifest batch = withEnds(batch("A", 1, 0, 6, 10, 15, SEGMENT), 10, 1, 2, -1, 4, 5, 6);
    BigInteger start = BigInteger.valueOf(10 * SEGMENT + 0x28);

    // 3 minutes: segment 13 (ends at 4) holds the stop; 14 is kept for a record that crosses into it, 15 is left out.
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, start, RecoveryPoint.at(at(3))))
        .extracting(Piece::name).containsExactlyElementsOf(segments(1, 10, 14));
    // A transaction that ends at the point is replayed (recovery_target_inclusive): recovery stops in the next segment
    // that ends one after it. Just before that end, it stops in that segment.
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, start, RecoveryPoint.at(at(2))))
        .extracting(Piece::name).containsExactlyElementsOf(segments(1, 10, 14));
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, start, RecoveryPoint.at(at(2).minusNanos(1000))))
        .extracting(Piece::name).containsExactlyElementsOf(segments(1, 10, 12));
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, start, RecoveryPoint.at(at(0))))
        .extracting(Piece::name).containsExactlyElementsOf(segments(1, 10, 11));
    // The stop in the last segment or the one before it: nothing after to leave out.
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, start, RecoveryPoint.at(at(5)))).isEqualTo(batch.pieces());
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, start, RecoveryPoint.at(at(6)))).isEqualTo(batch.pieces());
    // No segment ends after the point (an earlier batch), latest, or no ends recorded: every segment is read.
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, start, RecoveryPoint.at(at(7)))).isEqualTo(batch.pieces());
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, start, RecoveryPoint.latest())).isEqualTo(batch.pieces());
    LogManifest unrecorded = batch("A", 1, 0, 6, 10, 15, SEGMENT);
    assertThat(PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, unrecorded, start, RecoveryPoint.at(at(3)))).isEqualTo(unrecorded.pieces());
  }

  @Test
  void shouldLeaveOutBeforeTheStartAndAfterThePointTogetherAndKeepWhatIsNotASegmentOfTheBatch() {
    Piece history = new Piece("00000001.history", "l/A/00000001.history", 41, "dd");
    Piece odd = new Piece("000000010000000000000030", "l/A/odd", 3 * SEGMENT, "dd");
    LogManifest batch = withEnds(batch("A", 1, 0, 9, 2, 9, SEGMENT, history, odd), 2, 0, 1, 2, 3, 4, 5, 6, 7);

    List<Piece> read = PointInTimePlanner.piecesRead(Dialect.POSTGRESQL, batch, BigInteger.valueOf(5 * SEGMENT + 0x28),
        RecoveryPoint.at(at(4).minusSeconds(30)));

    // Start in segment 5 (2 to 4 left out), stop in 6 (ends at 4), 7 kept, 8 and 9 left out.
    assertThat(read).extracting(Piece::name).containsExactlyElementsOf(concat(List.of(history.name(), odd.name()), segments(1, 5, 7)));
  }

  @Test
  void shouldLeaveOutAnOracleBatchsNothingWhateverItRecords() {
    LogManifest batch = new LogManifest("A", "ora", Dialect.ORACLE, 1, IDENTITY, at(0), at(10), "100", "900",
        List.of(new Piece("000000010000000000000001", "o/1", SEGMENT, "ee"), new Piece("000000010000000000000002", "o/2", SEGMENT, "ee"),
            new Piece("000000010000000000000003", "o/3", SEGMENT, "ee")),
        Map.of("000000010000000000000001", at(1)));

    assertThat(PointInTimePlanner.piecesRead(Dialect.ORACLE, batch, BigInteger.ZERO, RecoveryPoint.at(at(0)))).isEqualTo(batch.pieces());
  }

  /**
   * Over generated catalogs whose batches record their segments' transaction ends (rising, some segments without
   * one): every segment from the last base's start to the one after the first that ends a transaction after the
   * point is planned, and every segment left out either ends before that start or comes after those.
   */
  @Test
  void shouldDownloadEverySegmentRecoveryReadsToThePointOverGeneratedCatalogs() {
    Random random = new Random(20261202);
    int leftOutAfter = 0;
    for (int round = 0; round < 500; round++) {
      long timeline = 1 + random.nextInt(2);
      List<LogManifest> batches = new ArrayList<>();
      long number = random.nextInt(100);
      long minute = 0;
      Map<String, Instant> allEnds = new TreeMap<>();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        int length = 1 + random.nextInt(20);
        long[] ends = new long[length];
        long startMinute = minute;
        for (int s = 0; s < length; s++) {
          if (random.nextInt(4) == 0) {
            ends[s] = -1;
          } else {
            minute += random.nextInt(3);
            ends[s] = minute;
          }
        }
        LogManifest batch = withEnds(batch("b" + i, timeline, startMinute, minute, number, number + length - 1, SEGMENT), number, ends);
        allEnds.putAll(batch.transactionEnds());
        batches.add(batch);
        number += length;
      }
      long fullStart = WalPositions.start(batches.get(0)) + random.nextInt(0x1000);
      BackupManifest full = backup("f", BackupType.FULL, null, timeline, 0, 0, fullStart, fullStart + 0x100);
      CatalogSnapshot catalog = new CatalogSnapshot("orders", Dialect.POSTGRESQL, List.of(full), batches);
      if (minute == 0) {
        continue;
      }
      // A point before the last transaction shipped: recovery stops at the first one after it.
      RecoveryPoint point = RecoveryPoint.at(at(0).plusSeconds(random.nextInt((int) minute * 60)));

      RecoveryPlan plan = PointInTimePlanner.plan(catalog, point);

      List<String> inOrder = new ArrayList<>();
      plan.logs().forEach(batch -> batch.pieces().forEach(piece -> inOrder.add(piece.name())));
      int stop = -1;
      for (int i = 0; i < inOrder.size() && stop < 0; i++) {
        Instant end = allEnds.get(inOrder.get(i));
        if (end != null && end.isAfter(point.instant())) {
          stop = i;
        }
      }
      Set<String> planned = new HashSet<>(names(plan));
      int needed = stop < 0 ? inOrder.size() - 1 : Math.min(stop + 1, inOrder.size() - 1);
      for (int i = 0; i <= needed; i++) {
        assertThat(planned).as("round %d: segment %s, up to the one after the stop %d", round, inOrder.get(i), stop)
            .contains(inOrder.get(i));
      }
      for (int i = needed + 1; i < inOrder.size(); i++) {
        if (!planned.contains(inOrder.get(i))) {
          leftOutAfter++;
        }
      }
    }
    assertThat(leftOutAfter).as("segments left out after the point over all rounds").isGreaterThan(200);
  }

  private static long minuteAt(List<LogManifest> batches, long position) {
    for (LogManifest batch : batches) {
      if (position < WalPositions.end(batch)) {
        return batch.startTime().getEpochSecond() / 60 - T0.getEpochSecond() / 60;
      }
    }
    return batches.get(batches.size() - 1).endTime().getEpochSecond() / 60 - T0.getEpochSecond() / 60;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** Positions of the generated batches as numbers. */
  private static final class WalPositions {
    static long start(LogManifest batch) {
      return Positions.value(Dialect.POSTGRESQL, batch.startPosition()).longValueExact();
    }

    static long end(LogManifest batch) {
      return Positions.value(Dialect.POSTGRESQL, batch.endPosition()).longValueExact();
    }

    static long start(String name, long size) {
      long perLogId = 0x1_0000_0000L / size;
      return (Long.parseLong(name.substring(8, 16), 16) * perLogId + Long.parseLong(name.substring(16), 16)) * size;
    }
  }
}
