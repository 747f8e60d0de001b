package io.rebound.restore;

import io.rebound.runbook.StepLog;
import io.rebound.target.DialectSpecific;
import io.rebound.target.Jdbc;
import io.rebound.target.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What one database family does for a schema restore. Implementations hold no state of their own. */
public interface SchemaRestoreDialect extends DialectSpecific {

  /**
   * Throws, naming what is missing, when the account Rebound connects with lacks a privilege the restore
   * needs; runs in the preflight, before anything is approved or changed.
   */
  default void checkPrivileges(Target target, StepLog log) {}

  /** Throws {@link DumpNotFoundException} when the dump file is not present and readable for the import. */
  void checkDumpReadable(Target target, String dumpFile);

  /** Looks at the users, schemas, objects and sessions the request would replace. */
  Inventory inspect(Target target, SchemaRestoreRequest request);

  /**
   * Computes every action of the restore. {@code runId} names the run's jobs and files, so the plan of one
   * run is the same each time it is computed over an unchanged database.
   */
  RestorePlan plan(Target target, SchemaRestoreRequest request, Inventory inventory, String runId);

  /** Runs planned actions in order, each recorded in the log; stops at the first that fails. */
  default void run(Target target, List<PlannedAction> actions, StepLog log) {
    try (Connection connection = target.connect()) {
      connection.setAutoCommit(true);
      for (PlannedAction action : actions) {
        try {
          if (action.kind() == PlannedAction.Kind.SET_PASSWORD) {
            String password = target.userPassword(action.user())
                .orElseThrow(() -> new IllegalStateException("no password configured for " + action.user()));
            setPassword(connection, action.user(), password);
          } else {
            try (PreparedStatement statement = connection.prepareStatement(action.sql())) {
              Jdbc.bind(statement, action.binds().toArray());
              statement.execute();
            }
          }
          // The description, never the statement run: for a password action only the description is safe.
          log.ran(action.describe(), "ok");
        } catch (SQLException e) {
          log.ran(action.describe(), "failed: " + e.getMessage());
          throw new IllegalStateException(action.describe() + " failed: " + e.getMessage(), e);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  /** Sets a user's password from configuration; the password must not reach any log or statement text kept. */
  void setPassword(Connection connection, String user, String password) throws SQLException;

  /**
   * Starts the job, or attaches to it if it is already running or has ended; a job gone without an end (its node or
   * instance went down with it) is started again. Every start goes into {@code log} through
   * {@link StepLog#startedJob}, so the step records it.
   */
  JobProgress startOrAttach(Target target, JobSpec job, String runId, StepLog log);

  /**
   * Completes when the job ends, if this node can watch it end (a process it can see); empty when only
   * polling can tell. Lets the run look at the job at once instead of at the next poll.
   */
  default Optional<CompletableFuture<Void>> whenFinished(Target target, JobSpec job, String runId) {
    return Optional.empty();
  }

  /**
   * Where the job stands now; starts nothing. A job found never started or gone is reported so
   * ({@link JobProgress#needsStart()}), for the step to start it the way it records; a failed one is moved out of the
   * way (its log kept), so that the step's retry starts it afresh.
   */
  JobProgress look(Target target, JobSpec job, String runId);

  /**
   * Checks the restored schema: lists and recompiles invalid objects, counts key tables, brings sequences
   * past the values already used.
   *
   * @param sequences sequence to {@code TABLE.COLUMN}, besides those the dialect discovers itself
   */
  VerifyReport verify(Target target, String schemaOwner, List<String> keyTables, Map<String, String> sequences, StepLog log);
}
