package io.rebound.backup;

/**
 * A backup to take.
 *
 * @param jobKey the job's directory name under the target's backup work directory, the same for every retry of the
 *     same step of the same run (e.g. {@code <process instance id>-backup})
 * @param backupId the new backup's id, as its manifest and its directory in the bucket will name it
 * @param type FULL, or INCREMENTAL over {@code parent}
 * @param parent the backup an INCREMENTAL holds the changes since (the newest of the target's current chain, of the
 *     same database and timeline); none for a FULL
 */
public record BackupRequest(String jobKey, String backupId, BackupType type, BackupManifest parent) {

  public BackupRequest {
    BackupLayout.name("job key", jobKey);
    BackupLayout.name("backup id", backupId);
    if (type == null) {
      throw new IllegalArgumentException("a backup type is required (FULL or INCREMENTAL)");
    }
    if (type == BackupType.INCREMENTAL && parent == null) {
      throw new IllegalArgumentException("an INCREMENTAL backup needs the backup it builds on");
    }
    if (type == BackupType.FULL && parent != null) {
      throw new IllegalArgumentException("a FULL backup has no parent");
    }
  }
}
