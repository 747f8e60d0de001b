package io.rebound.restore;

import java.util.List;

/**
 * Where an import or export job stands.
 *
 * @param percent percent done, 0 to 100, as far as the job tells
 * @param errors the error lines of the job's log, when it failed or reported errors
 * @param host the host that runs (or ran) the job, for jobs that run as processes on a node's host; null otherwise
 */
public record JobProgress(State state, int percent, List<String> errors, String detail, String host) {

  public enum State { RUNNING, SUCCEEDED, FAILED }

  public JobProgress {
    errors = List.copyOf(errors);
    percent = Math.max(0, Math.min(100, percent));
  }

  /** The progress of a job that runs in the target database itself, on no node's host. */
  public JobProgress(State state, int percent, List<String> errors, String detail) {
    this(state, percent, errors, detail, null);
  }

  public boolean finished() {
    return state != State.RUNNING;
  }
}
