package io.rebound.recovery.oracle;

import io.rebound.runbook.StepLog;
import io.rebound.target.Target;
import java.sql.SQLException;

/**
 * What {@link OracleMediaRecovery} asks the database, one call per question, each over a connection of its own: the
 * seam between the recovery and the database, so that the recovery is tested where no Oracle runs. The answers are those
 * of {@link TriageQueries}, {@link OpenFailure} and {@link RecoveryVerification}.
 */
interface RecoveryDictionary {

  /**
   * Reaches the database and reads what triage decides on: mounts it when the instance runs without a mounted control
   * file, and opens a mounted one (that is instance recovery), reading what a failed open said. What it ran goes into
   * {@code log}. A picture that is not {@link DatabasePicture#reachable()} when the instance does not answer.
   */
  DatabasePicture read(Target target, StepLog log) throws SQLException;

  /** Whether a recovery left the database whole. */
  RecoveryVerification.Result verify(Target target) throws SQLException;

  /** The database's checkpoint SCN (V$DATABASE): where a recovery that just opened it stands. */
  String checkpointScn(Target target) throws SQLException;
}
