package io.rebound.backup;

import io.rebound.runbook.ApprovablePlan;
import io.rebound.target.DialectSpecific;
import io.rebound.target.Target;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Taking a database's physical backups, collecting its archived logs and restoring it from them: what one dialect
 * (RMAN for Oracle; the low-level backup API, WAL and {@code pg_ctl} for PostgreSQL) does on the database host. The
 * runbooks' steps call it and put what it produces into the bucket with {@link BackupStore}.
 *
 * <p>Copying a data file set, laying it down or recovering it takes longer than a job may hold its lock, so each of
 * {@link #backup}, {@link #collectLogs} and {@link #restore} starts the work detached, or attaches to it, and returns
 * at once: a step calls it again (a poll) until the job has succeeded or failed. A job is keyed by the request's job
 * key, a directory under the target's backup work directory: an engine retry, a second node or a restart after a
 * crash finds the same job and never takes a backup or runs a restore twice. A job whose node died is started again
 * by the next call once its heartbeat is stale, and does its work again from a safe point.
 *
 * <p>A failed job stays failed for every later call with its key (its log kept), until {@link #discard} moves it
 * aside so that the next call runs it afresh: a retry from Cockpit is then a deliberate choice.
 */
public interface PhysicalBackups extends DialectSpecific {

  /**
   * Starts or attaches to a backup. When it has succeeded, its result holds the manifest (without pieces) and the
   * files to publish; the files stay in the work directory until {@link #release}.
   */
  PhysicalJob<TakenBackup> backup(Target target, BackupRequest request);

  /**
   * Starts or attaches to the collection of the archived logs not yet shipped. When it has succeeded, its result holds
   * at most one batch (none when nothing new was archived) and the files to publish.
   */
  PhysicalJob<CollectedLogs> collectLogs(Target target, LogRequest request);

  /**
   * What a restore of {@code plan} onto {@code destination} will do, one line per command or action, in order, as the
   * approver reads it and the plan's hash covers it. Runs nothing and changes nothing; refuses a plan this dialect or
   * destination cannot restore (another database's backups onto a target that is not empty of them, missing settings)
   * with an {@link IllegalArgumentException} naming why.
   */
  List<String> restoreActions(Target destination, RecoveryPlan plan);

  /**
   * Why a restore of {@code plan} onto {@code destination} started now would not run the {@code approved} commands,
   * or empty when it would. Runs nothing. By default the commands this layer gives now must be the approved ones,
   * line for line. A layer that runs an approved script as it was approved (so that what the destination says after
   * a failed attempt, a control file restored by it or a database left mounted, does not change what runs) compares
   * only what it still derives from its settings.
   */
  default Optional<String> commandsNoLongerApproved(Target destination, RecoveryPlan plan, List<String> approved) {
    List<String> now = restoreActions(destination, plan);
    if (now.equals(approved)) {
      return Optional.empty();
    }
    String changes = ApprovablePlan.changes(approved, now);
    return Optional.of("the commands it gives now differ from those approved:" + (changes.isEmpty() ? " the same lines in another order"
        : "\n" + changes.stripTrailing()));
  }

  /**
   * Starts or attaches to a restore: downloads and verifies the plan's pieces, replaces the destination's database
   * with the backups and recovers it to the plan's point, then opens it. Its result says what the recovery reached.
   */
  PhysicalJob<RestoredPoint> restore(Target destination, RestoreRequest request);

  /** The state of a job without starting it: {@link PhysicalJob.State#NOT_STARTED} when none has that key. */
  PhysicalJob<Void> look(Target target, String jobKey);

  /**
   * A backup's job as it stands, with its result once it succeeded, for a step that reads a finished backup: starts
   * nothing, whatever it finds ({@link PhysicalJob.State#NOT_STARTED} when the job is gone from the work directory).
   */
  PhysicalJob<TakenBackup> lookAtBackup(Target target, String jobKey);

  /**
   * A restore's job as it stands, with what it reached once it succeeded, for a step that reads a finished restore:
   * starts nothing, whatever it finds ({@link PhysicalJob.State#NOT_STARTED} when the job is gone from the work
   * directory).
   */
  PhysicalJob<RestoredPoint> lookAtRestore(Target destination, String jobKey);

  /**
   * Removes a finished job's files from the work directory: called once its pieces and its manifest are in the
   * bucket, never before. Its small state files stay, so a later call with the key still finds the job done.
   */
  void release(Target target, String jobKey);

  /** Moves a failed job aside (its log kept beside it), so that the next call with its key runs it afresh. */
  void discard(Target target, String jobKey);

  /**
   * Deletes local archived logs that a batch in {@code shipped} holds and that are older than the target's
   * {@code local-archive-retention} at {@code now}; nothing else. Returns the names deleted.
   */
  List<String> pruneLocalLogs(Target target, List<LogManifest> shipped, Instant now);
}
