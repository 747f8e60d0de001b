package io.rebound.runbook;

import io.rebound.runbook.DetachedProcess.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Starts a detached job or attaches to it, and looks at it, the same way whether the job is a command outside the
 * JVM ({@link DetachedProcess}) or work inside it ({@link DetachedWork}); both answer with a {@link JobStatus}.
 *
 * <p>The two calls are kept apart on purpose: {@link #look()} never starts anything, so a step that polls a job can
 * only see it, and every start goes through {@link #startOrAttach}, which a step calls when it means to start and
 * records in its audit trail. A job that needs a start (never started, or gone with its node) is reported as such by
 * a look ({@link JobStatus#needsStart()}).
 */
public final class JobRunner {

  /** What a job runs once started: a command outside the JVM, or work inside it. */
  public sealed interface Start permits Command, InJvm {}

  /**
   * A command, run by a {@link DetachedProcess}.
   *
   * @param files files written into the job directory before the start, readable by the owner only (password files)
   */
  public record Command(List<String> command, Map<String, String> environment, Map<String, String> files) implements Start {

    public Command {
      command = List.copyOf(command);
      environment = Map.copyOf(environment);
      files = Map.copyOf(files);
      if (command.isEmpty()) {
        throw new IllegalArgumentException("a command to run is needed");
      }
    }
  }

  /** Work done in this JVM, by a {@link DetachedWork}. */
  public record InJvm(DetachedWork.Work work) implements Start {

    public InJvm {
      Objects.requireNonNull(work, "the work to run is needed");
    }
  }

  private final DetachedProcess process;
  private final DetachedWork work;

  private JobRunner(DetachedProcess process, DetachedWork work) {
    this.process = process;
    this.work = work;
  }

  /** The runner of a command's job. */
  public static JobRunner of(DetachedProcess process) {
    return new JobRunner(Objects.requireNonNull(process), null);
  }

  /** The runner of in-JVM work's job. */
  public static JobRunner of(DetachedWork work) {
    return new JobRunner(null, Objects.requireNonNull(work));
  }

  /** Where the job keeps its state. */
  public Path directory() {
    return process != null ? process.directory() : work.directory();
  }

  /** Where the job's log is. */
  public Path log() {
    return process != null ? process.log() : work.log();
  }

  /**
   * Where the job stands now, and, while it runs on this node, its end ({@link JobStatus#whenEnded()}). Starts nothing,
   * whatever it finds.
   */
  public JobStatus look() {
    return watched(process != null ? JobStatus.of(process.state()) : JobStatus.of(work, work.state()));
  }

  /**
   * Completes when the job ends, while it runs on this node: the command's process ends, or the work records its end.
   * Empty when the job does not run here (on another node, not started, already ended): then only a look tells its end.
   * For going on sooner only: a job may end unseen (its node dies), and whoever waits on this must look again anyway.
   */
  public Optional<CompletableFuture<Void>> whenEnded() {
    return process != null ? process.handle().map(handle -> handle.onExit().thenApply(ended -> null)) : work.whenEnded();
  }

  private JobStatus watched(JobStatus status) {
    return status.status() == Status.RUNNING ? status.watched(whenEnded()) : status;
  }

  /**
   * Starts the job unless it runs (on this node or another) or has ended; a job that stopped without an end is started
   * again. {@link JobStatus#startedNow()} tells whether this call started it, so the caller can record the start.
   *
   * @throws IllegalArgumentException when {@code start} is not the kind of job this runner runs
   */
  public JobStatus startOrAttach(Start start) {
    if (process != null && start instanceof Command command) {
      return watched(JobStatus.of(process.startOrAttach(command.command(), command.environment(), command.files())));
    }
    if (work != null && start instanceof InJvm inJvm) {
      return watched(JobStatus.of(work, work.startOrAttach(inJvm.work())));
    }
    throw new IllegalArgumentException("a " + (process != null ? "command's" : "work's") + " job in " + directory()
        + " cannot run " + start.getClass().getSimpleName());
  }

  /**
   * Moves an ended job's directory aside, its log kept for the record, so that the next start runs it afresh. Returns
   * where it went.
   */
  public Path moveAside() {
    return process != null ? process.moveAside() : work.moveAside();
  }
}
