package io.rebound.restore;

import java.util.List;

/**
 * Where an import or export job stands.
 *
 * @param percent percent done, 0 to 100, as far as the job tells
 * @param errors the error lines of the job's log, when it failed or reported errors
 */
public record JobProgress(State state, int percent, List<String> errors, String detail) {

  public enum State { RUNNING, SUCCEEDED, FAILED }

  public JobProgress {
    errors = List.copyOf(errors);
    percent = Math.max(0, Math.min(100, percent));
  }

  public boolean finished() {
    return state != State.RUNNING;
  }
}
