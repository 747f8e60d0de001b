package io.rebound.backup;

import io.rebound.target.Dialect;
import java.time.Instant;
import java.util.List;

/**
 * One batch of archived logs (Oracle) or WAL segments (PostgreSQL) shipped together: contiguous from
 * {@code startPosition} to {@code endPosition} on one timeline, written between {@code startTime} and
 * {@code endTime}. Like a backup, a batch exists once its manifest does.
 */
public record LogManifest(String id, String target, Dialect dialect, long timeline, String databaseIdentity, Instant startTime,
    Instant endTime, String startPosition, String endPosition, List<Piece> pieces) implements Manifest {

  public LogManifest {
    pieces = List.copyOf(pieces);
  }
}
