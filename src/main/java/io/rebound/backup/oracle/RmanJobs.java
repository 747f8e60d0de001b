package io.rebound.backup.oracle;

import io.rebound.runbook.DetachedProcess;
import io.rebound.runbook.DetachedWork.Beat;
import io.rebound.runbook.JobHost;
import io.rebound.runbook.JobRunner;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * RMAN run as a command's job ({@link JobRunner} over a {@link DetachedProcess} in the given directory) and waited for:
 * by detached work (a backup, a log collection, a restore, a recovery), or by a step for a short command of its own (an
 * instance start, the deletion of archived logs). The physical backups and the database recovery run RMAN through it
 * alike.
 *
 * <p>RMAN is started only where none was ever started. One found vanished (its host went down, or it was killed) is
 * not started again in its directory: the wait fails with what its log shows. For detached work that failure fails the
 * work; the step reporting it moves the job's directory aside (its logs kept) and the engine's retry starts the job
 * afresh in a new directory, a start the step records in the audit trail ({@code StepLog.startedJob}). So RMAN runs again
 * only as a recorded start of its job, never silently under a poll. That is also what keeps a re-run safe: a backup run
 * again in place would add a second run's pieces under the same tag beside the first one's, so a backup runs again only
 * into the fresh directory, whose pieces alone its manifest takes (pieces recorded under the tag elsewhere are not
 * its own); a restore or recovery, which RMAN can run again over a half-done one, downloads its pieces again into the
 * fresh directory and runs from there.
 */
public final class RmanJobs {

  private final JobHost host;
  private final Duration pollInterval;

  /** RMAN's jobs judged from {@code host}, looked at every {@code pollInterval} while waited for. */
  public RmanJobs(JobHost host, Duration pollInterval) {
    this.host = host;
    this.pollInterval = pollInterval;
  }

  private interface Between {
    void check() throws InterruptedException;
  }

  /**
   * Runs RMAN in {@code directory} for detached work, or attaches to the RMAN the work started there before (on this node
   * or, before a failover, on another), and waits for it to end; {@code beat} learns what runs and may stop the wait.
   */
  public RmanLog run(Target target, Path directory, String script, Beat beat, String doing) throws InterruptedException {
    return await(target, directory, script, () -> beat.progress("RMAN: " + doing), beat::check);
  }

  /** Runs RMAN in a directory of its own and waits for it at most {@code limit}, for a step's own short work. */
  public RmanLog runWithin(Target target, Path directory, String script, Duration limit) throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    return await(target, directory, script, () -> {}, () -> {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("RMAN in " + directory + " has not ended after " + limit.toSeconds() + " s; its log is "
            + directory.resolve(RmanInvocation.LOG_FILE));
      }
    });
  }

  private RmanLog await(Target target, Path directory, String script, Runnable beforeStart, Between between)
      throws InterruptedException {
    JobRunner rman = JobRunner.of(new DetachedProcess(directory, host));
    TargetProperties.Backup settings = target.properties().backup();
    RmanInvocation.Poll poll = RmanInvocation.poll(rman);
    if (poll.status() == DetachedProcess.Status.NOT_STARTED) {
      beforeStart.run();
      poll = RmanInvocation.startOrAttach(rman, settings.rmanCommand(), settings.environment(), script);
    }
    while (!poll.ended()) {
      between.check();
      Thread.sleep(pollInterval.toMillis());
      poll = RmanInvocation.poll(rman);
    }
    if (!poll.succeeded()) {
      throw new IllegalStateException(poll.failure().orElse("RMAN did not succeed"));
    }
    return poll.log();
  }
}
