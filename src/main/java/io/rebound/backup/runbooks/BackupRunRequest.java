package io.rebound.backup.runbooks;

/** Validated inputs of one database-backup run. */
record BackupRunRequest(String target, BackupTask type) {}
