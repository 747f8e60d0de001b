package io.rebound.backup;

import java.util.List;

/**
 * A collection of the archived logs not yet shipped.
 *
 * @param jobKey the job's directory name under the target's backup work directory, the same for every retry of the
 *     same step of the same run
 * @param batchId the id of the batch it makes, as its manifest and its directory in the bucket will name it
 * @param shipped the batches of the target already in the catalog: what they hold is not collected again, and the new
 *     batch continues where the last one of its timeline ends
 */
public record LogRequest(String jobKey, String batchId, List<LogManifest> shipped) {

  public LogRequest {
    BackupLayout.name("job key", jobKey);
    BackupLayout.name("log batch id", batchId);
    shipped = shipped == null ? List.of() : List.copyOf(shipped);
  }
}
