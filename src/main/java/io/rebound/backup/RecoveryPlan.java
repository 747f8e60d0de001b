package io.rebound.backup;

import io.rebound.target.Dialect;
import java.time.Instant;
import java.util.List;

/**
 * Exactly what a restore to a point needs from the bucket, and what it costs.
 *
 * @param point the point asked for
 * @param backups the FULL backup, then the INCREMENTALs applied over it, in order
 * @param logs the log batches replayed from the last backup's start position up to the point, in order
 * @param pieces every object to download, with its size and checksum: every piece of the backups, and of the log
 *     batches those recovery reads (a batch's WAL segments that end before the last base's start are left out)
 * @param recoverToTime the time recovery stops at (the point, or the end of the last shipped log for latest)
 * @param recoverToPosition for latest: the position the last shipped log ends at; otherwise none
 * @param dataLoss what is lost by restoring to this point, said plainly
 */
public record RecoveryPlan(String target, Dialect dialect, RecoveryPoint point, long timeline, String databaseIdentity,
    List<BackupManifest> backups, List<LogManifest> logs, List<Piece> pieces, long totalBytes, Instant recoverToTime,
    String recoverToPosition, String dataLoss) {

  public RecoveryPlan {
    backups = List.copyOf(backups);
    logs = List.copyOf(logs);
    pieces = List.copyOf(pieces);
  }
}
