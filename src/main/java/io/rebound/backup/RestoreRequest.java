package io.rebound.backup;

/**
 * A restore to run.
 *
 * @param jobKey the job's directory name under the destination's backup work directory, the same for every retry of
 *     the same step of the same run
 * @param plan the plan the approver approved, exactly: its pieces are downloaded and checked against their checksums
 */
public record RestoreRequest(String jobKey, RecoveryPlan plan) {

  public RestoreRequest {
    BackupLayout.name("job key", jobKey);
    if (plan == null) {
      throw new IllegalArgumentException("a restore needs its plan");
    }
  }
}
