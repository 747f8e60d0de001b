package io.rebound.backup;

import io.rebound.runbook.DetachedProcess;
import io.rebound.runbook.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a detached backup, log collection or restore stands, as one call of {@link PhysicalBackups} saw it.
 *
 * @param result what the job produced, once {@link State#SUCCEEDED}; otherwise null
 * @param failure why it failed (the lines of its log that say so), once {@link State#FAILED}; otherwise null
 * @param progress what it is doing, in a few words, while it runs
 * @param log where the job's full log is
 * @param host the node that runs (or ran) the job, when known
 * @param startedNow whether this very call started it
 * @param whenEnded completes when the job, seen running on this node, ends: a step waiting on it goes on at once rather
 *     than at its next poll; empty when it runs elsewhere or was not running
 * @param <T> the kind of result
 */
public record PhysicalJob<T>(State state, T result, String failure, String progress, Path log, String host, boolean startedNow,
    Optional<CompletableFuture<Void>> whenEnded) {

  public PhysicalJob {
    whenEnded = whenEnded == null ? Optional.empty() : whenEnded;
  }

  /** A job seen without a way to learn of its end here. */
  public PhysicalJob(State state, T result, String failure, String progress, Path log, String host, boolean startedNow) {
    this(state, result, failure, progress, log, host, startedNow, Optional.empty());
  }

  /** Where a job stands. */
  public enum State { NOT_STARTED, RUNNING, SUCCEEDED, FAILED }

  public boolean isDone() {
    return state == State.SUCCEEDED || state == State.FAILED;
  }

  /** Reads a succeeded job's stored result. */
  public interface ResultReader<T> {
    T read(String text) throws IOException;
  }

  /**
   * A detached job's status as a physical job: a job whose node ended without finishing reads as running (the next
   * call takes it again), a succeeded one carries its result read by {@code reader}. The one place a physical job is
   * made from a job's status.
   */
  public static <T> PhysicalJob<T> of(JobStatus status, ResultReader<T> reader) {
    State mapped = switch (status.status()) {
      case NOT_STARTED -> State.NOT_STARTED;
      case RUNNING, VANISHED -> State.RUNNING;
      case SUCCEEDED -> State.SUCCEEDED;
      case FAILED -> State.FAILED;
    };
    T result = null;
    if (mapped == State.SUCCEEDED) {
      try {
        result = reader.read(status.result());
      } catch (IOException e) {
        throw new UncheckedIOException("the result in " + status.log().getParent() + " cannot be read", e);
      }
    }
    String progress = status.status() == DetachedProcess.Status.VANISHED
        ? "stopped without finishing (its node ended); the next call takes it again" : status.progress();
    return new PhysicalJob<>(mapped, result, status.failure(), progress, status.log(), status.host(), status.startedNow(),
        status.whenEnded());
  }
}
