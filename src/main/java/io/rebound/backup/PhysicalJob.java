package io.rebound.backup;

import java.nio.file.Path;

/**
 * Where a detached backup, log collection or restore stands, as one call of {@link PhysicalBackups} saw it.
 *
 * @param result what the job produced, once {@link State#SUCCEEDED}; otherwise null
 * @param failure why it failed (the lines of its log that say so), once {@link State#FAILED}; otherwise null
 * @param progress what it is doing, in a few words, while it runs
 * @param log where the job's full log is
 * @param host the node that runs (or ran) the job, when known
 * @param startedNow whether this very call started it
 * @param <T> the kind of result
 */
public record PhysicalJob<T>(State state, T result, String failure, String progress, Path log, String host, boolean startedNow) {

  /** Where a job stands. */
  public enum State { NOT_STARTED, RUNNING, SUCCEEDED, FAILED }

  public boolean isDone() {
    return state == State.SUCCEEDED || state == State.FAILED;
  }
}
