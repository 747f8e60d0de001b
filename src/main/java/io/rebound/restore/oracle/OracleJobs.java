package io.rebound.restore.oracle;

import static io.rebound.target.Jdbc.bind;
import static io.rebound.target.Jdbc.executeCall;
import static io.rebound.target.Jdbc.queryString;

import io.rebound.restore.JobProgress;
import io.rebound.restore.JobSpec;
import io.rebound.restore.PlannedAction;
import io.rebound.restore.oracle.DataPump.JobParameters;
import io.rebound.runbook.StepLog;
import io.rebound.target.Target;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The restore's two Data Pump jobs, the safety export and the import: their parameters as the plan carries them,
 * and driving them through {@link DataPump}'s blocks by name (start, or attach to the job of that name; look; restart
 * one a shutdown stopped), with how each ended read from its log ({@link DataPumpLog}).
 */
final class OracleJobs {

  /** ORA-31626: job does not exist. */
  static final int JOB_DOES_NOT_EXIST = 31626;

  /** How often a job stopped by a shutdown is restarted, unless configured. */
  static final int DEFAULT_RESTARTS = 3;

  /** Runs planned statements the way the dialect's steps run them, each recorded in the step's log. */
  interface StatementRunner {
    void run(Target target, List<PlannedAction> actions, StepLog log);
  }

  private final int maxRestarts;
  private final StatementRunner statements;

  /**
   * @param maxRestarts how often a Data Pump job stopped by a shutdown of its instance is restarted before the
   *     run reports it failed
   * @param statements what creates the DIRECTORY a first safety export writes through
   */
  OracleJobs(int maxRestarts, StatementRunner statements) {
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("rebound.oracle.data-pump-restarts must not be negative");
    }
    this.maxRestarts = maxRestarts;
    this.statements = statements;
  }

  /**
   * The safety export of the users' schemas; in parallel each worker writes a file of its own: a file set, numbered
   * by Data Pump (_01, _02...).
   */
  static JobSpec safetyExport(String directory, String schemaOwner, List<String> users, String runId, int parallel) {
    String id = jobId(runId);
    return new JobParameters("EXPORT", "REBOUND_EXP_" + id, directory,
        "rebound_safety_" + schemaOwner.toLowerCase(Locale.ROOT) + "_" + id.toLowerCase(Locale.ROOT)
            + (parallel > 1 ? "_" + DataPump.FILE_NUMBER : "") + ".dmp",
        safetyExportLog(runId), users, parallel).spec();
  }

  /** The import of the owner's schema from the dump. */
  static JobSpec importJob(String directory, String dumpFile, String schemaOwner, String runId, int parallel) {
    return new JobParameters("IMPORT", "REBOUND_IMP_" + jobId(runId), directory, dumpFile, importLog(runId), List.of(schemaOwner),
        parallel).spec();
  }

  /** The log of a run's safety export, in the DIRECTORY. */
  static String safetyExportLog(String runId) {
    return "rebound_safety_" + jobId(runId).toLowerCase(Locale.ROOT) + ".log";
  }

  /** The log of a run's import, in the DIRECTORY. */
  static String importLog(String runId) {
    return "rebound_import_" + jobId(runId).toLowerCase(Locale.ROOT) + ".log";
  }

  JobProgress startOrAttach(Target target, JobSpec job, StepLog log) {
    JobParameters parameters = JobParameters.of(job);
    try (Connection connection = target.connect()) {
      return startOrAttach(connection, target, parameters, log);
    } catch (SQLException e) {
      throw new IllegalStateException("Data Pump job " + parameters.jobName() + " could not be started: " + e.getMessage(), e);
    }
  }

  /** {@link #startOrAttach(Target, JobSpec, StepLog)} on a connection of the target's. */
  JobProgress startOrAttach(Connection connection, Target target, JobParameters parameters, StepLog log) throws SQLException {
    String state = jobState(connection, target, parameters.jobName());
    if (state != null) {
      if (isStopped(state)) {
        return restartStopped(connection, target, parameters, state, log);
      }
      log.ran("DBMS_DATAPUMP.ATTACH " + parameters.jobName(), "attached to the job started earlier (" + state + ")");
      return look(connection, target, parameters);
    }
    createDirectoryForExport(target, parameters, log);
    DataPumpLog existing = readLog(connection, parameters);
    if (existing != null && existing.ended()) {
      log.ran("job log " + parameters.logFile(), "the job ran before: " + existing.outcome());
      return look(connection, target, parameters);
    }
    start(connection, parameters);
    log.startedJob(String.join(" ", parameters.describe()), existing == null ? "started" : "started again: its log has no end");
    return look(connection, target, parameters);
  }

  JobProgress look(Target target, JobSpec job) {
    JobParameters parameters = JobParameters.of(job);
    try (Connection connection = target.connect()) {
      return look(connection, target, parameters);
    } catch (SQLException e) {
      throw new IllegalStateException("Data Pump job " + parameters.jobName() + " could not be polled: " + e.getMessage(), e);
    }
  }

  private static boolean isStopped(String state) {
    return state.equals("NOT RUNNING") || state.equals("STOPPED");
  }

  /** Where the job stands, read on a connection of the target's. */
  JobProgress look(Connection connection, Target target, JobParameters job) throws SQLException {
    String state = jobState(connection, target, job.jobName());
    if (state != null) {
      if (isStopped(state)) {
        return stopped(connection, target, job, state);
      }
      try (CallableStatement call = connection.prepareCall(DataPump.STATUS_BLOCK)) {
        call.setString(1, job.jobName());
        call.setString(2, owner(target));
        call.registerOutParameter(3, Types.VARCHAR);
        call.registerOutParameter(4, Types.NUMERIC);
        call.registerOutParameter(5, Types.VARCHAR);
        call.execute();
        String errors = call.getString(5);
        return new JobProgress(JobProgress.State.RUNNING, call.getInt(4),
            errors == null ? List.of() : errors.lines().toList(), call.getString(3));
      } catch (SQLException e) {
        if (e.getErrorCode() != JOB_DOES_NOT_EXIST) {
          throw e;
        }
        // finished between the two looks: the log tells how
      }
    }
    DataPumpLog jobLog = readLog(connection, job);
    if (jobLog == null) {
      // No job and no log: the start that should have made it left nothing behind. Only a start, recorded, makes one.
      return new JobProgress(JobProgress.State.NOT_STARTED, 0, List.of(), "no job " + job.jobName() + " and no log " + job.logFile());
    }
    if (!jobLog.ended()) {
      moveLogAside(connection, job);
      return new JobProgress(JobProgress.State.FAILED, 0, jobLog.errors(), "the job is gone and its log has no end: it was killed");
    }
    if (jobLog.succeeded()) {
      return new JobProgress(JobProgress.State.SUCCEEDED, 100, jobLog.warnings(), jobLog.outcome() + ", " + jobLog.rows().size() + " tables");
    }
    // Moved aside, so that a retry of the step runs the job again instead of reading this log once more.
    moveLogAside(connection, job);
    String how = jobLog.outcome() == DataPumpLog.Outcome.ENDED && jobLog.errors().isEmpty()
        ? "ENDED, but its last line does not say in English that it completed (the job's session did not speak AMERICAN):"
            + " whether it completed or was stopped cannot be told, read " + job.logFile()
        : jobLog.outcome() + " (" + jobLog.reportedErrors() + " errors reported)";
    return new JobProgress(JobProgress.State.FAILED, 100, jobLog.errors(), how);
  }

  /**
   * A job whose master table is there but no process runs it. Its log says why: only a job that the instance
   * lost (shutdown, crash) is restarted, at most {@code maxRestarts} times, by {@link #startOrAttach} (a look reports it
   * gone); one stopped by a fatal error would stop again, and one an operator stopped (STOP_JOB) stays stopped. Both are
   * reported failed and left as they are, for a DBA to restart (START_JOB) or drop (KILL_JOB) before the step is retried.
   */
  private JobProgress stopped(Connection connection, Target target, JobParameters job, String state) throws SQLException {
    DataPumpLog jobLog = readLog(connection, job);
    String attach = attachHint(target, job);
    if (jobLog == null) {
      return new JobProgress(JobProgress.State.FAILED, 0, List.of(), "job " + job.jobName() + " is " + state + " and its log "
          + job.logFile() + " cannot be read, so why it stopped is unknown." + attach);
    }
    switch (jobLog.stopCause()) {
      case SHUTDOWN -> {
        return new JobProgress(JobProgress.State.GONE, 0, List.of(), "job " + job.jobName() + " is " + state
            + ", stopped by a shutdown (" + jobLog.lastErrorCodes() + "): its start again restarts it where it stopped");
      }
      case STOPPED_BY_OPERATOR -> {
        return new JobProgress(JobProgress.State.FAILED, 0, List.of(), "job " + job.jobName()
            + " was stopped by an operator (STOP_JOB); Rebound does not undo that." + attach);
      }
      default -> {
        return new JobProgress(JobProgress.State.FAILED, 0, jobLog.errors(), "job " + job.jobName() + " stopped on a fatal error "
            + jobLog.lastErrorCodes() + "; a restart would meet it again." + attach);
      }
    }
  }

  /** Restarts a job a shutdown stopped, where it stopped, within the restart limit; any other stopped job is left as it is. */
  private JobProgress restartStopped(Connection connection, Target target, JobParameters job, String state, StepLog log) throws SQLException {
    JobProgress seen = stopped(connection, target, job, state);
    if (seen.state() != JobProgress.State.GONE) {
      return seen;
    }
    DataPumpLog jobLog = readLog(connection, job);
    try (CallableStatement call = connection.prepareCall(DataPump.RESTART_BLOCK)) {
      bind(call, job.directory(), DataPump.restartCountFile(job), maxRestarts, job.jobName(), owner(target));
      call.registerOutParameter(6, Types.INTEGER);
      call.registerOutParameter(7, Types.INTEGER);
      call.execute();
      int restarts = call.getInt(6);
      if (call.getInt(7) == 1) {
        log.startedJob("restart Data Pump job " + job.jobName() + " (" + state + ", stopped by a shutdown: " + jobLog.lastErrorCodes() + ")",
            "restarted where it stopped, restart " + restarts + " of at most " + maxRestarts);
        return new JobProgress(JobProgress.State.RUNNING, 0, List.of(), "restarted after a shutdown (" + restarts + " of " + maxRestarts + ")");
      }
      return new JobProgress(JobProgress.State.FAILED, 0, jobLog.errors(), "job " + job.jobName() + " stopped by a shutdown, and it was"
          + " restarted " + restarts + " times already (rebound.oracle.data-pump-restarts=" + maxRestarts + ")." + attachHint(target, job));
    }
  }

  private static String attachHint(Target target, JobParameters job) {
    return " It is left as it is: look at it (impdp ATTACH=" + owner(target) + "." + job.jobName()
        + "), restart it (START_JOB) or drop it (KILL_JOB), then retry the step.";
  }

  /** The safety export writes through the DIRECTORY before the bootstrap would create it (a fresh target). */
  private void createDirectoryForExport(Target target, JobParameters job, StepLog log) {
    if (job.operation().equals("EXPORT")) {
      statements.run(target, OracleStatements.directory(job.directory(), target.dumpDirectory().toString(), job.schemas().get(0), target.username()), log);
    }
  }

  private void start(Connection connection, JobParameters job) throws SQLException {
    // A fresh start counts its restarts afresh.
    executeCall(connection, DataPump.REMOVE_FILE_BLOCK, job.directory(), DataPump.restartCountFile(job));
    executeCall(connection, DataPump.startBlock(job), job.jobName(), job.dumpFile(), job.directory(), job.logFile(), job.directory(),
        job.schemaList(), job.parallel());
  }

  private static String jobState(Connection connection, Target target, String jobName) throws SQLException {
    return queryString(connection, DataPump.JOB_STATE, jobName, owner(target));
  }

  private static DataPumpLog readLog(Connection connection, JobParameters job) throws SQLException {
    try (CallableStatement call = connection.prepareCall(DataPump.READ_FILE_BLOCK)) {
      call.setString(1, job.directory());
      call.setString(2, job.logFile());
      call.registerOutParameter(3, Types.CLOB);
      call.execute();
      Clob text = call.getClob(3);
      if (text == null) {
        return null;
      }
      String content = text.getSubString(1, (int) Math.min(Integer.MAX_VALUE, text.length()));
      return DataPumpLog.parse(content.lines().toList());
    }
  }

  private static void moveLogAside(Connection connection, JobParameters job) throws SQLException {
    executeCall(connection, "BEGIN UTL_FILE.FRENAME(?, ?, ?, ?, TRUE); END;", job.directory(), job.logFile(), job.directory(),
        job.logFile() + ".failed-" + Instant.now().toEpochMilli());
  }

  static String jobId(String runId) {
    String compact = runId.replaceAll("[^A-Za-z0-9]", "").toUpperCase(Locale.ROOT);
    return compact.length() <= 12 ? compact : compact.substring(0, 12);
  }

  private static String owner(Target target) {
    return target.username().toUpperCase(Locale.ROOT);
  }
}
