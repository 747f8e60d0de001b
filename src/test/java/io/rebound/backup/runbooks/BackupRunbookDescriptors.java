package io.rebound.backup.runbooks;

import io.rebound.runbook.Runbook;
import java.util.List;

/** The descriptors of the backup runbooks, for the model checks of every runbook (keys, approval, outcomes). */
public final class BackupRunbookDescriptors {

  private BackupRunbookDescriptors() {}

  public static List<Runbook<?>> all() {
    return List.of(new DatabaseBackupRunbook(null, null, null), new DatabaseRestoreRunbook(null, null, null));
  }
}
