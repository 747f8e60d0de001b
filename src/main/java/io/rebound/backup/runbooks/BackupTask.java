package io.rebound.backup.runbooks;

import io.rebound.backup.BackupType;

/**
 * What one run of the database-backup process does: take a FULL or INCREMENTAL backup (and ship the logs with
 * it), ship the archived logs only, or apply retention to the bucket.
 */
enum BackupTask {
  FULL,
  INCREMENTAL,
  LOGS,
  PRUNE;

  boolean takesBackup() {
    return this == FULL || this == INCREMENTAL;
  }

  BackupType backupType() {
    return switch (this) {
      case FULL -> BackupType.FULL;
      case INCREMENTAL -> BackupType.INCREMENTAL;
      default -> throw new IllegalStateException(this + " takes no backup");
    };
  }
}
