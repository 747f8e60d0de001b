package io.rebound.backup;

import io.rebound.target.Dialect;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Chooses what a restore to a point needs: the newest FULL that ends at or before the point (not simply the newest
 * one), the INCREMENTALs chained after it that also end by then, and the log batches of the same database and
 * timeline from the last of those backups' start position up to the point. A point before the first backup, after
 * the last shipped log, or beyond a gap in the logs is refused with the reason named. Of those batches, the pieces
 * downloaded are the ones recovery reads (see {@link #piecesRead}). Pure: it reads only the catalog snapshot it is
 * given.
 *
 * <p>The timeline is the FULL's: a restore never mixes backups and logs of two timelines or two databases. A point
 * on a timeline that has no FULL of its own yet (just after a restore opened a new one) is refused until one is
 * taken.
 */
public final class PointInTimePlanner {

  /** A WAL segment's name: timeline, then the segment number split in two (the high 32 bits of its LSN, the rest). */
  private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})");
  /** The segment sizes PostgreSQL allows (a power of two): anything else is not taken for a segment. */
  private static final long MIN_SEGMENT = 1024L * 1024;
  private static final long MAX_SEGMENT = 1024L * 1024 * 1024;

  private PointInTimePlanner() {}

  /** The backups a point starts from and the position its logs must start at. */
  record Chain(List<BackupManifest> backups) {
    BackupManifest full() {
      return backups.get(0);
    }

    BackupManifest last() {
      return backups.get(backups.size() - 1);
    }
  }


  public static RecoveryPlan plan(CatalogSnapshot catalog, RecoveryPoint point) {
    Chain chain = chain(catalog, point).orElseThrow(() -> new PlanRefusedException(noFull(catalog, point)));
    BackupManifest full = chain.full();
    BackupManifest last = chain.last();
    List<LogManifest> line = logsOf(catalog, full);
    if (line.isEmpty()) {
      throw new PlanRefusedException("no archived logs of timeline " + full.timeline() + " are shipped for target " + catalog.target()
          + ": backup " + last.id() + " cannot be made consistent");
    }
    Instant lastShipped = line.stream().map(LogManifest::endTime).max(Comparator.naturalOrder()).orElseThrow();
    if (!point.isLatest() && !reaches(catalog.dialect(), lastShipped, point.instant())) {
      if (catalog.dialect() == Dialect.POSTGRESQL) {
        throw new PlanRefusedException(point + " is not before the last transaction the shipped logs of target " + catalog.target()
            + " on timeline " + full.timeline() + " hold, which ends at " + lastShipped + ": recovery to a point stops at the first"
            + " transaction that ends after it, and none is shipped yet; a point before " + lastShipped
            + " can be reached, and 'latest' replays that last transaction too");
      }
      throw new PlanRefusedException(point + " is after the last shipped log of target " + catalog.target() + " on timeline "
          + full.timeline() + ", which ends at " + lastShipped + ": that is the latest point a restore can reach");
    }
    List<LogManifest> logs = new ArrayList<>();
    BigInteger covered = Positions.value(catalog.dialect(), last.startPosition());
    BigInteger consistent = Positions.value(catalog.dialect(), last.endPosition());
    String coveredPosition = last.startPosition();
    Instant coveredTime = last.startTime();
    boolean reached = false;
    for (Keyed keyed : keyed(catalog, line)) {
      LogManifest batch = keyed.batch();
      if (keyed.end().compareTo(covered) <= 0) {
        continue;
      }
      if (keyed.start().compareTo(covered) > 0) {
        throw new PlanRefusedException("the logs of target " + catalog.target() + " have a gap between position " + coveredPosition
            + " (" + coveredTime + ") and position " + batch.startPosition() + " (" + batch.startTime() + ") on timeline "
            + full.timeline() + ": no restore from backup " + last.id() + " can cross it"
            + (point.isLatest() ? "; the latest point before it is " + coveredTime : ""));
      }
      logs.add(batch);
      covered = keyed.end();
      coveredPosition = batch.endPosition();
      coveredTime = batch.endTime();
      if (!point.isLatest() && covered.compareTo(consistent) >= 0 && reaches(catalog.dialect(), batch.endTime(), point.instant())) {
        reached = true;
        break;
      }
    }
    if (covered.compareTo(consistent) < 0) {
      throw new PlanRefusedException("the shipped logs of target " + catalog.target() + " end at position " + coveredPosition
          + ", before backup " + last.id() + " is consistent (position " + last.endPosition() + ")");
    }
    if (!point.isLatest() && !reached) {
      throw new PlanRefusedException("the shipped logs of target " + catalog.target() + " reach " + coveredTime + ", not " + point);
    }
    List<Piece> pieces = new ArrayList<>();
    chain.backups().forEach(backup -> pieces.addAll(backup.pieces()));
    BigInteger start = Positions.value(catalog.dialect(), last.startPosition());
    logs.forEach(batch -> pieces.addAll(piecesRead(catalog.dialect(), batch, start, point)));
    long total = pieces.stream().mapToLong(Piece::size).sum();
    Instant recoverTo = point.isLatest() ? coveredTime : point.instant();
    return new RecoveryPlan(catalog.target(), catalog.dialect(), point, full.timeline(), full.databaseIdentity(), chain.backups(),
        logs, pieces, total, recoverTo, point.isLatest() ? coveredPosition : null, dataLoss(point, lastShipped, coveredPosition)
        + otherLines(catalog, full, lastShipped));
  }

  /**
   * The pieces of a log batch recovery reads when it starts at {@code start} (the last laid-down base's
   * {@code backup_label} START WAL LOCATION, the redo point of its checkpoint). For PostgreSQL, a WAL segment that ends
   * before the segment holding that position is never read: the batch shipped with an INCREMENTAL holds the WAL written
   * since the shipment before, from before the INCREMENTAL started. Everything else is kept: timeline history files,
   * any piece that is not a segment of this batch's timeline and range with a valid segment size, the segment holding
   * the start, and the segment just before it when the start is exactly at a segment boundary. Oracle's archived-log
   * pieces are backup sets whose SCN ranges the manifest does not record: all are kept.
   *
   * <p>For a point in time (not {@code latest}), the segments after the point are left out too, where the batch
   * records its segments' transaction ends: recovery ({@code recovery_target_inclusive} on) replays the transactions
   * that end at the point and stops at the first commit or abort after it, which lies in the first segment whose last
   * transaction end is after the point. That segment is kept, and the one after it
   * (a record begun in one segment may end in the next); none after those is read. A batch that records no ends keeps
   * them all. Had a segment recovery needs been left out, PostgreSQL would refuse to end a recovery short of its
   * target: the restore would fail, never stop early without a word.
   */
  static List<Piece> piecesRead(Dialect dialect, LogManifest batch, BigInteger start, RecoveryPoint point) {
    List<Piece> read = piecesRead(dialect, batch, start);
    if (dialect != Dialect.POSTGRESQL || point.isLatest() || batch.transactionEnds().isEmpty()) {
      return read;
    }
    BigInteger batchStart = Positions.value(dialect, batch.startPosition());
    BigInteger batchEnd = Positions.value(dialect, batch.endPosition());
    List<Piece> segments = read.stream().filter(piece -> segmentEnd(piece, batch.timeline(), batchStart, batchEnd).isPresent())
        .sorted(Comparator.comparing(Piece::name)).toList();
    int stop = -1;
    for (int i = 0; i < segments.size(); i++) {
      Instant end = batch.transactionEnds().get(segments.get(i).name());
      if (end != null && end.isAfter(point.instant())) {
        stop = i;
        break;
      }
    }
    if (stop < 0 || stop + 2 >= segments.size()) {
      return read;
    }
    Set<String> after = segments.subList(stop + 2, segments.size()).stream().map(Piece::name).collect(Collectors.toSet());
    return read.stream().filter(piece -> !after.contains(piece.name())).toList();
  }

  /** The pieces read from the start on, to the end of the batch: what {@code latest} reads. */
  static List<Piece> piecesRead(Dialect dialect, LogManifest batch, BigInteger start) {
    if (dialect != Dialect.POSTGRESQL) {
      return batch.pieces();
    }
    BigInteger batchStart = Positions.value(dialect, batch.startPosition());
    BigInteger batchEnd = Positions.value(dialect, batch.endPosition());
    if (batchStart.compareTo(start) >= 0) {
      return batch.pieces();
    }
    return batch.pieces().stream().filter(piece -> !segmentBefore(piece, batch.timeline(), batchStart, batchEnd, start)).toList();
  }

  /** Whether a piece is surely a whole WAL segment of the batch that ends before {@code start}. */
  private static boolean segmentBefore(Piece piece, long timeline, BigInteger batchStart, BigInteger batchEnd, BigInteger start) {
    // Strictly before: at an exact segment boundary the segment before the start is kept as well.
    return segmentEnd(piece, timeline, batchStart, batchEnd).map(end -> end.compareTo(start) < 0).orElse(false);
  }

  /**
   * The end position of a piece that is surely a whole WAL segment of the batch (its timeline, a valid segment size,
   * inside the batch's positions); empty for anything else.
   */
  private static Optional<BigInteger> segmentEnd(Piece piece, long timeline, BigInteger batchStart, BigInteger batchEnd) {
    Matcher name = SEGMENT.matcher(piece.name());
    long size = piece.size();
    if (!name.matches() || size < MIN_SEGMENT || size > MAX_SEGMENT || Long.bitCount(size) != 1
        || Long.parseLong(name.group(1), 16) != timeline) {
      return Optional.empty();
    }
    long perLogId = 0x1_0000_0000L / size;
    long low = Long.parseLong(name.group(3), 16);
    if (low >= perLogId) {
      return Optional.empty();
    }
    BigInteger segmentStart = BigInteger.valueOf(Long.parseLong(name.group(2), 16)).shiftLeft(32).add(BigInteger.valueOf(low * size));
    BigInteger segmentEnd = segmentStart.add(BigInteger.valueOf(size));
    boolean inBatch = segmentStart.compareTo(batchStart) >= 0 && segmentEnd.compareTo(batchEnd) <= 0;
    return inBatch ? Optional.of(segmentEnd) : Optional.empty();
  }

  /**
   * The FULL and INCREMENTALs a point starts from, without looking at the logs: what retention keeps for a point.
   * Empty when no FULL ends by the point.
   */
  static Optional<Chain> chain(CatalogSnapshot catalog, RecoveryPoint point) {
    Comparator<String> order = Positions.order(catalog.dialect());
    Comparator<BackupManifest> newest = Comparator.comparing(BackupManifest::endTime)
        .thenComparing(BackupManifest::endPosition, order).thenComparing(BackupManifest::id);
    Optional<BackupManifest> full = catalog.backups().stream()
        .filter(backup -> backup.type() == BackupType.FULL && endsBy(backup, point))
        .max(newest);
    if (full.isEmpty()) {
      return Optional.empty();
    }
    List<BackupManifest> backups = new ArrayList<>(List.of(full.get()));
    while (true) {
      BackupManifest last = backups.get(backups.size() - 1);
      Optional<BackupManifest> next = catalog.backups().stream()
          .filter(backup -> backup.type() == BackupType.INCREMENTAL && last.id().equals(backup.parentId()) && endsBy(backup, point)
              && sameLine(backup, full.get()) && order.compare(backup.endPosition(), last.endPosition()) >= 0)
          .max(newest);
      if (next.isEmpty() || backups.contains(next.get())) {
        return Optional.of(new Chain(backups));
      }
      backups.add(next.get());
    }
  }

  /** The log batches of a FULL's database and timeline, in position order. */
  static List<LogManifest> logsOf(CatalogSnapshot catalog, BackupManifest full) {
    return keyed(catalog, catalog.logs().stream().filter(batch -> sameLine(batch, full)).toList()).stream().map(Keyed::batch).toList();
  }

  /** A batch with its positions as numbers, read once: a catalog holds thousands of batches. */
  private record Keyed(LogManifest batch, BigInteger start, BigInteger end) {}

  private static List<Keyed> keyed(CatalogSnapshot catalog, List<LogManifest> batches) {
    return batches.stream()
        .map(batch -> new Keyed(batch, Positions.value(catalog.dialect(), batch.startPosition()),
            Positions.value(catalog.dialect(), batch.endPosition())))
        .sorted(Comparator.comparing(Keyed::start).thenComparing(Keyed::end))
        .toList();
  }

  static boolean sameLine(Manifest one, Manifest other) {
    return one.timeline() == other.timeline() && one.databaseIdentity().equals(other.databaseIdentity());
  }

  /**
   * Whether logs that end at {@code end} take a restore as far as {@code point}. PostgreSQL (with
   * {@code recovery_target_inclusive} on) replays every transaction that ends at or before the point and stops at
   * the first that ends after it; without one in the logs it refuses to end the recovery ("recovery ended before
   * configured recovery target was reached"). A PostgreSQL batch's end is its last transaction's end, so it must be
   * after the point. Oracle's {@code SET UNTIL TIME} applies redo up to the point: logs that reach it are enough.
   */
  static boolean reaches(Dialect dialect, Instant end, Instant point) {
    return dialect == Dialect.POSTGRESQL ? end.isAfter(point) : !end.isBefore(point);
  }

  private static boolean endsBy(BackupManifest backup, RecoveryPoint point) {
    return point.isLatest() || !backup.endTime().isAfter(point.instant());
  }

  private static String noFull(CatalogSnapshot catalog, RecoveryPoint point) {
    Optional<Instant> first = catalog.backups().stream().filter(backup -> backup.type() == BackupType.FULL)
        .map(BackupManifest::endTime).min(Comparator.naturalOrder());
    if (first.isEmpty()) {
      return "target " + catalog.target() + " has no FULL backup in the catalog";
    }
    return point + " is before the first backup of target " + catalog.target() + ": its first FULL backup ends at " + first.get();
  }

  /** Logs shipped later on another timeline or database, which this plan cannot use: a DBA must know they exist. */
  private static String otherLines(CatalogSnapshot catalog, BackupManifest full, Instant lastShipped) {
    return catalog.logs().stream().filter(batch -> !sameLine(batch, full) && batch.endTime().isAfter(lastShipped))
        .max(Comparator.comparing(LogManifest::endTime))
        .map(batch -> " Logs shipped up to " + batch.endTime() + " on timeline " + batch.timeline() + " of database "
            + batch.databaseIdentity() + " are not used: that timeline has no FULL backup of its own before the point.")
        .orElse("");
  }

  private static String dataLoss(RecoveryPoint point, Instant lastShipped, String lastPosition) {
    if (point.isLatest()) {
      return "Changes made after " + lastShipped + " (position " + lastPosition + ") have not been shipped to S3 and are lost.";
    }
    Duration lost = Duration.between(point.instant(), lastShipped);
    return "Everything committed after " + point.instant() + " is lost: " + lost + " of changes up to the last shipped log at "
        + lastShipped + ", and any made since.";
  }
}
