package io.rebound.restore;

import java.util.List;

/**
 * Where an import or export job stands, as a schema restore reports it. A dialect whose jobs are detached processes
 * makes it from the job's {@link io.rebound.runbook.JobStatus}; Data Pump's jobs live in the database and are read
 * from it.
 *
 * @param percent percent done, 0 to 100, as far as the job tells
 * @param errors the error lines of the job's log, when it failed or reported errors
 * @param host the host that runs (or ran) the job, for jobs that run as processes on a node's host; null otherwise
 */
public record JobProgress(State state, int percent, List<String> errors, String detail, String host) {

  /**
   * {@link #NOT_STARTED}: no start of the job is found; {@link #GONE}: it started and stopped without an end (its node,
   * or its instance, went down with it), so only a start again takes it on. A look reports both and starts nothing.
   */
  public enum State { NOT_STARTED, RUNNING, GONE, SUCCEEDED, FAILED }

  public JobProgress {
    errors = List.copyOf(errors);
    percent = Math.max(0, Math.min(100, percent));
  }

  /** The progress of a job that runs in the target database itself, on no node's host. */
  public JobProgress(State state, int percent, List<String> errors, String detail) {
    this(state, percent, errors, detail, null);
  }

  public boolean finished() {
    return state == State.SUCCEEDED || state == State.FAILED;
  }

  /** Whether only a start takes the job on: it never started, or it is gone without an end. */
  public boolean needsStart() {
    return state == State.NOT_STARTED || state == State.GONE;
  }
}
