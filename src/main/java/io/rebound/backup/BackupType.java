package io.rebound.backup;

/** A FULL backup stands alone (RMAN level 0); an INCREMENTAL holds what changed since its parent (level 1). */
public enum BackupType {
  FULL,
  INCREMENTAL
}
