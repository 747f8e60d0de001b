package io.rebound.backup.runbooks;

/** Validated inputs of one database-backup run. */
record BackupRequest(String target, BackupTask type) {}
