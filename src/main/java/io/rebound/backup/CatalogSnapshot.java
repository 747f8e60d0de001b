package io.rebound.backup;

import io.rebound.target.Dialect;
import java.util.List;

/** A target's complete backups and shipped log batches, as the planner and the retention rule read them. */
public record CatalogSnapshot(String target, Dialect dialect, List<BackupManifest> backups, List<LogManifest> logs) {

  public CatalogSnapshot {
    backups = List.copyOf(backups);
    logs = List.copyOf(logs);
  }
}
