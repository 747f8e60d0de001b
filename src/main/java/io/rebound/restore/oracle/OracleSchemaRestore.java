package io.rebound.restore.oracle;

import io.rebound.restore.DumpNotFoundException;
import io.rebound.restore.Inventory;
import io.rebound.restore.JobProgress;
import io.rebound.restore.JobSpec;
import io.rebound.restore.PlannedAction;
import io.rebound.restore.RestorePlan;
import io.rebound.restore.SchemaRestoreDialect;
import io.rebound.restore.SchemaRestoreRequest;
import io.rebound.restore.SequenceResync;
import io.rebound.restore.VerifyReport;
import io.rebound.restore.oracle.DataPump.JobParameters;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Identifiers;
import static io.rebound.target.Jdbc.bind;
import static io.rebound.target.Jdbc.executeCall;
import static io.rebound.target.Jdbc.queryLong;
import static io.rebound.target.Jdbc.queryString;
import static io.rebound.target.Jdbc.queryStrings;
import io.rebound.target.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Schema restore on Oracle, as the WINSTORE runbook does it by hand: lock the accounts and end their
 * sessions, drop the users CASCADE, create them again with minimal grants and the DIRECTORY, import the
 * owner's schema with Data Pump (TABLE_EXISTS_ACTION=REPLACE, statistics excluded), recompile, check
 * and resynchronise sequences. Connect as a user with DBA rights and the Data Pump roles (SYSTEM).
 */
@Component
public class OracleSchemaRestore implements SchemaRestoreDialect {

  /** ORA-31626: job does not exist. */
  static final int JOB_DOES_NOT_EXIST = 31626;

  @Override
  public Dialect dialect() {
    return Dialect.ORACLE;
  }

  @Override
  public void checkDumpReadable(Target target, String dumpFile) {
    try (Connection connection = target.connect()) {
      if (!dumpVisible(connection, target, dumpFile).readable) {
        throw new DumpNotFoundException("dump file " + dumpFile + " is not present or not readable in DIRECTORY " + directory(target)
            + " (" + target.dumpDirectory() + ")");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot check the dump file on target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  private record FileCheck(boolean readable, long length, String how) {}

  /**
   * Asks the database server through the DIRECTORY when it exists and points at the configured path; before
   * the first bootstrap created it, looks at the path from this host.
   */
  private FileCheck dumpVisible(Connection connection, Target target, String dumpFile) throws SQLException {
    String directory = directory(target);
    String path = queryString(connection, OracleStatements.DIRECTORY_PATH, directory);
    if (path != null && samePath(path, target.dumpDirectory())) {
      try (CallableStatement call = connection.prepareCall(OracleStatements.FILE_ATTRIBUTES)) {
        call.setString(1, directory);
        call.setString(2, dumpFile);
        call.registerOutParameter(3, Types.INTEGER);
        call.registerOutParameter(4, Types.BIGINT);
        call.registerOutParameter(5, Types.INTEGER);
        call.execute();
        boolean readable = call.getInt(3) == 1 && call.getInt(5) == 1;
        return new FileCheck(readable, call.getLong(4), "UTL_FILE on DIRECTORY " + directory);
      }
    }
    Path file = target.dumpDirectory().resolve(dumpFile);
    try {
      boolean readable = Files.isRegularFile(file) && Files.isReadable(file);
      return new FileCheck(readable, readable ? Files.size(file) : 0, "host path " + file + " (DIRECTORY " + directory + " not yet pointing there)");
    } catch (java.io.IOException e) {
      return new FileCheck(false, 0, "host path " + file);
    }
  }

  @Override
  public Inventory inspect(Target target, SchemaRestoreRequest request) {
    try (Connection connection = target.connect()) {
      List<String> requested = new ArrayList<>();
      requested.add(request.schemaOwner());
      requested.addAll(request.companionUsers());
      List<Object> binds = new ArrayList<>(requested);
      if (request.companionPrefix() != null) {
        binds.add(OracleStatements.likePrefix(request.companionPrefix()));
      }
      List<String> existing = new ArrayList<>(queryStrings(connection,
          OracleStatements.existingUsers(requested.size(), request.companionPrefix() != null), binds.toArray()));
      existing.removeIf(user -> user.equalsIgnoreCase(target.username()));
      existing.sort(Inventory.ownerFirst(request.schemaOwner()));
      List<String> missing = requested.stream().filter(u -> !existing.contains(u)).toList();
      Map<String, Long> objects = new LinkedHashMap<>();
      List<Inventory.Session> sessions = new ArrayList<>();
      if (!existing.isEmpty()) {
        try (PreparedStatement statement = connection.prepareStatement(OracleStatements.objectCounts(existing.size()))) {
          bind(statement, existing.toArray());
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              objects.put(rows.getString(1), rows.getLong(2));
            }
          }
        }
        try (PreparedStatement statement = connection.prepareStatement(OracleStatements.sessions(existing.size()))) {
          bind(statement, existing.toArray());
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              sessions.add(new Inventory.Session(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
            }
          }
        }
      }
      FileCheck dump = dumpVisible(connection, target, request.dumpFile());
      return new Inventory(existing, missing, existing, objects, sessions,
          List.of("dump file " + request.dumpFile() + ", " + dump.length() + " bytes, checked through " + dump.how()));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot inspect target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public RestorePlan plan(Target target, SchemaRestoreRequest request, Inventory inventory, String runId) {
    String tablespace;
    try (Connection connection = target.connect()) {
      tablespace = Identifiers.canonical(Dialect.ORACLE, queryString(connection, OracleStatements.DEFAULT_TABLESPACE), "default tablespace");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the default tablespace of " + target.name() + ": " + e.getMessage(), e);
    }
    return plan(target, request, inventory, runId, tablespace);
  }

  /** The plan, once the database has told the default tablespace. */
  RestorePlan plan(Target target, SchemaRestoreRequest request, Inventory inventory, String runId, String tablespace) {
    String id = jobId(runId);
    String directory = directory(target);
    List<String> users = new ArrayList<>(inventory.existingUsers());
    inventory.missingUsers().stream().filter(u -> !users.contains(u)).forEach(users::add);
    users.sort(Inventory.ownerFirst(request.schemaOwner()));

    JobSpec safetyExport = null;
    if (request.safetyExport() && !inventory.existingUsers().isEmpty()) {
      JobParameters export = new JobParameters("EXPORT", "REBOUND_EXP_" + id, directory,
          "rebound_safety_" + request.schemaOwner().toLowerCase(Locale.ROOT) + "_" + id.toLowerCase(Locale.ROOT) + ".dmp",
          "rebound_safety_" + id.toLowerCase(Locale.ROOT) + ".log", inventory.existingUsers(), target.properties().parallelism());
      safetyExport = new JobSpec(export.jobName(), export.dumpFile(), export.describe());
    }

    List<PlannedAction> reset = new ArrayList<>();
    inventory.existingUsers().forEach(u -> reset.add(OracleStatements.lockAccount(u)));
    if (!inventory.existingUsers().isEmpty()) {
      reset.add(OracleStatements.killSessions(inventory.existingUsers()));
    }
    inventory.existingUsers().forEach(u -> reset.add(OracleStatements.dropUser(u)));

    List<PlannedAction> bootstrap = new ArrayList<>();
    List<String> locked = new ArrayList<>();
    for (String user : users) {
      bootstrap.add(OracleStatements.createUser(user, tablespace));
      if (target.userPassword(user).isPresent()) {
        bootstrap.add(OracleStatements.setPassword(user));
      } else {
        locked.add(user);
      }
      bootstrap.add(OracleStatements.grantSession(user));
    }
    bootstrap.addAll(OracleStatements.ownerGrants(request.schemaOwner(), tablespace));
    bootstrap.addAll(OracleStatements.directory(directory, target.dumpDirectory().toString(), request.schemaOwner()));

    JobParameters importJob = new JobParameters("IMPORT", "REBOUND_IMP_" + id, directory, request.dumpFile(),
        "rebound_import_" + id.toLowerCase(Locale.ROOT) + ".log", List.of(request.schemaOwner()), target.properties().parallelism());
    return new RestorePlan(target.name(), Dialect.ORACLE, request.schemaOwner(), users, inventory, safetyExport, reset, bootstrap,
        new JobSpec(importJob.jobName(), importJob.dumpFile(), importJob.describe()), locked, request);
  }

  @Override
  public void setPassword(Connection connection, String user, String password) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(OracleStatements.setPasswordStatement(user, password));
    }
  }

  @Override
  public JobProgress startOrAttach(Target target, JobSpec job, String runId, StepLog log) {
    JobParameters parameters = JobParameters.fromDescription(job.parameters());
    try (Connection connection = target.connect()) {
      String state = jobState(connection, target, parameters.jobName());
      if (state != null) {
        log.ran("DBMS_DATAPUMP.ATTACH " + parameters.jobName(), "attached to the job started earlier (" + state + ")");
        return poll(connection, target, parameters, log);
      }
      DataPumpLog existing = readLog(connection, parameters);
      if (existing != null && existing.ended()) {
        log.ran("job log " + parameters.logFile(), "the job ran before: " + existing.outcome());
        return poll(connection, target, parameters, log);
      }
      if (parameters.operation().equals("EXPORT")) {
        // The safety export writes through the DIRECTORY before the bootstrap would create it.
        run(target, OracleStatements.directory(parameters.directory(), target.dumpDirectory().toString(), parameters.schemas().get(0)), log);
      }
      start(connection, parameters);
      log.ran(String.join(" ", parameters.describe()), "started");
      return poll(connection, target, parameters, log);
    } catch (SQLException e) {
      throw new IllegalStateException("Data Pump job " + parameters.jobName() + " could not be started: " + e.getMessage(), e);
    }
  }

  @Override
  public JobProgress poll(Target target, JobSpec job, String runId, StepLog log) {
    JobParameters parameters = JobParameters.fromDescription(job.parameters());
    try (Connection connection = target.connect()) {
      return poll(connection, target, parameters, log);
    } catch (SQLException e) {
      throw new IllegalStateException("Data Pump job " + parameters.jobName() + " could not be polled: " + e.getMessage(), e);
    }
  }

  private JobProgress poll(Connection connection, Target target, JobParameters job, StepLog log) throws SQLException {
    String state = jobState(connection, target, job.jobName());
    if (state != null) {
      if (state.equals("NOT RUNNING") || state.equals("STOPPED")) {
        // Its instance went down or someone stopped it: Data Pump resumes a stopped job where it stopped.
        executeCall(connection, DataPump.RESTART_BLOCK, job.jobName(), owner(target));
        log.ran("restart Data Pump job " + job.jobName() + " (it was " + state + ")", "restarted where it stopped");
        return new JobProgress(JobProgress.State.RUNNING, 0, List.of(), "restarted stopped job");
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
      // Never started (the start step's work was lost with its node): start it now.
      start(connection, job);
      log.ran(String.join(" ", job.describe()), "started: the step that should have started it left no job behind");
      return new JobProgress(JobProgress.State.RUNNING, 0, List.of(), "started");
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
    return new JobProgress(JobProgress.State.FAILED, 100, jobLog.errors(), jobLog.outcome() + " (" + jobLog.reportedErrors() + " errors reported)");
  }

  private void start(Connection connection, JobParameters job) throws SQLException {
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

  @Override
  public VerifyReport verify(Target target, String schemaOwner, List<String> keyTables, Map<String, String> sequences, StepLog log) {
    try (Connection connection = target.connect()) {
      List<String> invalid = queryStrings(connection, OracleStatements.INVALID_OBJECTS, schemaOwner);
      List<String> stillInvalid = invalid;
      if (!invalid.isEmpty()) {
        executeCall(connection, OracleStatements.RECOMPILE, schemaOwner);
        log.ran(OracleStatements.RECOMPILE + "  -- binds: " + schemaOwner, "recompiled " + invalid.size() + " invalid objects");
        stillInvalid = queryStrings(connection, OracleStatements.INVALID_OBJECTS, schemaOwner);
      }
      Map<String, Long> rowCounts = new LinkedHashMap<>();
      List<String> empty = new ArrayList<>();
      for (String table : keyTables) {
        if (queryLong(connection, OracleStatements.TABLE_EXISTS, schemaOwner, table) == 0) {
          empty.add(table + " (missing)");
          continue;
        }
        String sql = OracleStatements.countRows(schemaOwner, table);
        long rows = queryLong(connection, sql);
        log.ran(sql, rows + " rows");
        rowCounts.put(table, rows);
        if (rows == 0) {
          empty.add(table);
        }
      }
      List<SequenceResync> resynced = OracleSequences.resync(connection, schemaOwner, sequences, log);
      return new VerifyReport(invalid, stillInvalid, rowCounts, empty, resynced);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot verify target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  static String jobId(String runId) {
    String compact = runId.replaceAll("[^A-Za-z0-9]", "").toUpperCase(Locale.ROOT);
    return compact.length() <= 12 ? compact : compact.substring(0, 12);
  }

  private static String directory(Target target) {
    return Identifiers.canonical(Dialect.ORACLE, target.properties().directoryName(), "directory-name");
  }

  private static String owner(Target target) {
    return target.username().toUpperCase(Locale.ROOT);
  }

  private static boolean samePath(String a, Path b) {
    return Path.of(a).normalize().equals(b.normalize());
  }
}
