package io.rebound.backup.postgresql;

import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.postgresql.WalNames.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which archived WAL goes into the next batch: the segments of one database not shipped yet, on the lowest timeline
 * that has any, contiguous from where the shipped batches of that timeline end, and the history files not shipped
 * yet. A segment missing before or inside them is a gap, named with the positions it lies between; the segments after
 * an inner gap wait for the next batch, so each batch stays contiguous.
 */
final class WalBatch {

  /** A complete segment in the archive directory, its header checked. */
  record Archived(Segment segment, String databaseIdentity) {}

  /**
   * @param segments the segments of the batch, in order; empty when nothing new is complete
   * @param histories the history files to ship with it
   */
  record Selection(String databaseIdentity, long timeline, long start, long end, List<Archived> segments, List<String> histories,
      List<String> gaps) {

    boolean isEmpty() {
      return segments.isEmpty() && histories.isEmpty();
    }
  }

  private WalBatch() {}

  /**
   * @param archived complete segments of the archive directory (any order)
   * @param histories names of the history files in the archive directory
   * @param shipped the batches of the target already in the catalog
   * @param segmentSize the segment size the server writes
   */
  static Selection select(List<Archived> archived, List<String> histories, List<LogManifest> shipped, long segmentSize) {
    Set<String> identities = new HashSet<>();
    archived.forEach(segment -> identities.add(segment.databaseIdentity()));
    if (identities.size() > 1) {
      throw new IllegalStateException("the archive directory holds WAL of several databases (system identifiers " + new TreeSet<>(identities)
          + "): the archive_command of another server writes into it");
    }
    String identity = identities.isEmpty() ? null : identities.iterator().next();
    Set<String> shippedNames = new HashSet<>();
    Map<Long, Long> shippedEnd = new TreeMap<>();
    for (LogManifest batch : shipped) {
      if (identity != null && !identity.equals(batch.databaseIdentity())) {
        continue;
      }
      batch.pieces().stream().map(Piece::name).forEach(shippedNames::add);
      shippedEnd.merge(batch.timeline(), WalNames.lsn(batch.endPosition()), Math::max);
    }
    List<String> newHistories = histories.stream().filter(name -> !shippedNames.contains(name)).sorted().toList();
    List<Archived> candidates = archived.stream()
        .filter(segment -> !shippedNames.contains(segment.segment().name()))
        .filter(segment -> {
          Long end = shippedEnd.get(segment.segment().timeline());
          return end == null || segment.segment().start(segmentSize) >= end;
        })
        .sorted(Comparator.comparingLong((Archived segment) -> segment.segment().timeline())
            .thenComparingLong(segment -> segment.segment().number()))
        .toList();
    if (candidates.isEmpty()) {
      return new Selection(identity, 0, 0, 0, List.of(), newHistories, List.of());
    }
    long timeline = candidates.get(0).segment().timeline();
    List<Archived> ofTimeline = candidates.stream().filter(segment -> segment.segment().timeline() == timeline).toList();
    List<String> gaps = new ArrayList<>();
    Long previousEnd = shippedEnd.get(timeline);
    long first = ofTimeline.get(0).segment().start(segmentSize);
    if (previousEnd != null && first > previousEnd) {
      gaps.add("WAL of timeline " + timeline + " from " + WalNames.lsn(previousEnd) + " to " + WalNames.lsn(first) + " ("
          + WalNames.segmentName(timeline, previousEnd, segmentSize) + " to " + WalNames.segmentName(timeline, first - 1, segmentSize)
          + ") was never archived or was deleted before it was shipped");
    }
    List<Archived> run = new ArrayList<>();
    long end = first;
    for (Archived segment : ofTimeline) {
      long start = segment.segment().start(segmentSize);
      if (start != end) {
        gaps.add("WAL of timeline " + timeline + " from " + WalNames.lsn(end) + " to " + WalNames.lsn(start) + " ("
            + WalNames.segmentName(timeline, end, segmentSize) + " to " + WalNames.segmentName(timeline, start - 1, segmentSize)
            + ") is missing from the archive directory; what follows it is shipped in the next batch");
        break;
      }
      run.add(segment);
      end = segment.segment().end(segmentSize);
    }
    return new Selection(identity, timeline, first, end, List.copyOf(run), newHistories, List.copyOf(gaps));
  }

  /** The shipped batch that ends last on a timeline of a database, if any. */
  static Optional<LogManifest> last(List<LogManifest> shipped, String identity, long timeline) {
    return shipped.stream().filter(batch -> batch.timeline() == timeline && batch.databaseIdentity().equals(identity))
        .max(Comparator.comparingLong(batch -> WalNames.lsn(batch.endPosition())));
  }
}
