package io.rebound.backup;

import io.rebound.target.Dialect;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One batch of archived logs (Oracle) or WAL segments (PostgreSQL) shipped together: contiguous from
 * {@code startPosition} to {@code endPosition} on one timeline, written between {@code startTime} and
 * {@code endTime}. Like a backup, a batch exists once its manifest does.
 *
 * @param transactionEnds PostgreSQL: for each segment of the batch that holds the end of a transaction (a commit or an
 *     abort, the records {@code recovery_target_time} stops at), the last such end, by the segment's name. Empty for
 *     Oracle and for batches shipped before Rebound recorded it; a restore then downloads every segment of the batch
 */
public record LogManifest(String id, String target, Dialect dialect, long timeline, String databaseIdentity, Instant startTime,
    Instant endTime, String startPosition, String endPosition, List<Piece> pieces, Map<String, Instant> transactionEnds)
    implements Manifest {

  public LogManifest {
    pieces = List.copyOf(pieces);
    transactionEnds = transactionEnds == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(transactionEnds));
  }

  /** A batch whose segments' transaction ends are not known. */
  public LogManifest(String id, String target, Dialect dialect, long timeline, String databaseIdentity, Instant startTime,
      Instant endTime, String startPosition, String endPosition, List<Piece> pieces) {
    this(id, target, dialect, timeline, databaseIdentity, startTime, endTime, startPosition, endPosition, pieces, Map.of());
  }
}
