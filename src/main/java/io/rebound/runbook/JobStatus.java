package io.rebound.runbook;

import io.rebound.runbook.DetachedProcess.Status;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a detached job stands, whether it is a command outside the JVM ({@link DetachedProcess}) or work inside it
 * ({@link DetachedWork}), as {@link JobRunner} saw it. The runbooks' own views of their jobs (a schema restore's
 * progress, a physical backup's result) are made from this one.
 *
 * @param exitCode the command's exit code once it ended; for work, 0 or 1 once it ended; otherwise null
 * @param result what the work returned, once {@link Status#SUCCEEDED}; null for a command
 * @param failure why the work failed (the exception and its causes), once {@link Status#FAILED}; null for a command
 * @param progress the last progress the work reported, null when none
 * @param log where the job's log is
 * @param host the node that runs (or ran) the job, when known
 * @param startedNow whether the call that returned this status started the job
 * @param whenEnded completes when the job, running on this node, ends ({@link JobRunner#whenEnded()}); empty when it does
 *     not run here or was not running when seen
 */
public record JobStatus(Status status, Integer exitCode, String result, String failure, String progress, Path log, String host,
    boolean startedNow, Optional<CompletableFuture<Void>> whenEnded) {

  public JobStatus {
    whenEnded = whenEnded == null ? Optional.empty() : whenEnded;
  }

  /** A status seen without a way to learn of the job's end here. */
  public JobStatus(Status status, Integer exitCode, String result, String failure, String progress, Path log, String host,
      boolean startedNow) {
    this(status, exitCode, result, failure, progress, log, host, startedNow, Optional.empty());
  }

  /** The same status, with the job's end as this node can see it. */
  JobStatus watched(Optional<CompletableFuture<Void>> end) {
    return new JobStatus(status, exitCode, result, failure, progress, log, host, startedNow, end);
  }

  /** Whether the job has ended, succeeded or failed: no call starts it again until it is moved aside. */
  public boolean ended() {
    return status == Status.SUCCEEDED || status == Status.FAILED;
  }

  /**
   * Whether only a start can take the job on: it never started, or it stopped without an end (its node died with it).
   * A look reports this and starts nothing; what starts the job again is a step that records the start.
   */
  public boolean needsStart() {
    return status == Status.NOT_STARTED || status == Status.VANISHED;
  }

  /** A command's state as a job status. */
  public static JobStatus of(DetachedProcess.State state) {
    return new JobStatus(state.status(), state.exitCode(), null, null, null, state.log(), state.host(), state.startedNow());
  }

  /** A work's state as a job status. */
  public static JobStatus of(DetachedWork work, DetachedWork.State state) {
    Integer exit = switch (state.status()) {
      case SUCCEEDED -> 0;
      case FAILED -> 1;
      default -> null;
    };
    return new JobStatus(state.status(), exit, state.result(), state.failure(), state.progress(), work.log(), state.host(),
        state.startedNow());
  }
}
