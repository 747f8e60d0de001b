package io.rebound.backup;

import io.rebound.target.Dialect;
import java.time.Instant;
import java.util.List;

/**
 * One backup, as its {@code manifest.json} records it. Written after every piece is in the bucket: a backup whose
 * manifest is missing does not exist.
 *
 * @param parentId the backup an INCREMENTAL holds the changes since; none for a FULL
 * @param startPosition where recovery from this backup starts reading the logs (SCN, LSN)
 * @param endPosition the position from which the backup is consistent
 */
public record BackupManifest(String id, String target, Dialect dialect, BackupType type, String parentId, long timeline,
    String databaseIdentity, Instant startTime, Instant endTime, String startPosition, String endPosition, List<Piece> pieces)
    implements Manifest {

  public BackupManifest {
    pieces = List.copyOf(pieces);
  }
}
