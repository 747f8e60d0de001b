package io.rebound.recovery;

import io.rebound.runbook.Runbook;
import java.util.List;

/** The descriptor of the database-recovery runbook, for the model checks of every runbook (keys, approval, outcomes). */
public final class RecoveryRunbookDescriptors {

  private RecoveryRunbookDescriptors() {}

  public static List<Runbook<?>> all() {
    return List.of(new DatabaseRecoveryRunbook(null, null));
  }
}
