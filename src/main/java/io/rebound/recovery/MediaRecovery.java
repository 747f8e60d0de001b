package io.rebound.recovery;

import io.rebound.backup.PhysicalJob;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RestoredPoint;
import io.rebound.runbook.StepLog;
import io.rebound.target.DialectSpecific;
import io.rebound.target.Target;
import java.util.List;

/**
 * Instance and media recovery of one dialect's databases: triage, what a strategy will do, and the recovery itself.
 *
 * <p>Triage may start the database (that is how instance recovery runs: the server rolls forward and back by itself as
 * it opens) but never changes what it holds. Recovery is started detached, or attached to, like
 * {@link io.rebound.backup.PhysicalBackups#restore}: a step calls it again until the job has succeeded or failed, and a
 * job is keyed by the run, so a retry or a second node never recovers twice.
 */
public interface MediaRecovery extends DialectSpecific {

  /** Refuses, with an {@link IllegalArgumentException} naming the setting, a target this dialect cannot triage. */
  void checkSettings(Target target);

  /** Reaches and opens the database and finds what is damaged; what it ran and read goes into {@code log}. */
  Triage triage(Target target, StepLog log);

  /**
   * What recovering by {@code decision} will do, one line per command or action, in order, as the approver reads it and
   * the plan's hash covers it. {@code restore} is the plan of the backups to restore from. Runs nothing; refuses a
   * strategy this dialect cannot run with an {@link IllegalArgumentException} naming why.
   */
  List<String> actions(Target target, Triage triage, StrategyDecision decision, RecoveryPlan restore);

  /** Starts or attaches to the recovery of an approved plan. Its result says what the recovery reached. */
  PhysicalJob<RestoredPoint> recover(Target target, String jobKey, Triage triage, StrategyDecision decision, RecoveryPlan restore);

  /**
   * The recovery's job as it stands, with what it reached once it succeeded, for a step that reads a finished recovery:
   * starts nothing, whatever it finds ({@link PhysicalJob.State#NOT_STARTED} when the job is gone from the work directory).
   */
  PhysicalJob<RestoredPoint> look(Target target, String jobKey);

  /** Moves a failed recovery job aside (its log kept), so that the next call runs it afresh. */
  void discard(Target target, String jobKey);
}
