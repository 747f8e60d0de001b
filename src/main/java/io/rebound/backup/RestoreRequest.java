package io.rebound.backup;

import java.util.List;

/**
 * A restore to run.
 *
 * @param jobKey the job's directory name under the destination's backup work directory, the same for every retry of
 *     the same step of the same run
 * @param plan the plan the approver approved, exactly: its pieces are downloaded and checked against their checksums
 * @param approvedCommands the commands the approver read ({@link PhysicalBackups#restoreActions} at approval time), or
 *     none: a layer whose commands hold a script runs that script as approved (see
 *     {@link PhysicalBackups#commandsNoLongerApproved})
 */
public record RestoreRequest(String jobKey, RecoveryPlan plan, List<String> approvedCommands) {

  public RestoreRequest {
    BackupLayout.name("job key", jobKey);
    if (plan == null) {
      throw new IllegalArgumentException("a restore needs its plan");
    }
    approvedCommands = approvedCommands == null ? List.of() : List.copyOf(approvedCommands);
  }

  /**
   * A restore without approved commands: for a layer that derives its commands from its settings (PostgreSQL); a layer
   * that runs an approved script (Oracle) refuses it.
   */
  public RestoreRequest(String jobKey, RecoveryPlan plan) {
    this(jobKey, plan, List.of());
  }
}
