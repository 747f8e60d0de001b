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
import java.util.HashSet;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
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

  /** How often a job stopped by a shutdown is restarted, unless configured. */
  static final int DEFAULT_RESTARTS = 3;

  private final int maxRestarts;

  /**
   * @param maxRestarts how often a Data Pump job stopped by a shutdown of its instance is restarted before the
   *     run reports it failed ({@code rebound.oracle.data-pump-restarts})
   */
  @Autowired
  public OracleSchemaRestore(@Value("${rebound.oracle.data-pump-restarts:" + DEFAULT_RESTARTS + "}") int maxRestarts) {
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("rebound.oracle.data-pump-restarts must not be negative");
    }
    this.maxRestarts = maxRestarts;
  }

  public OracleSchemaRestore() {
    this(DEFAULT_RESTARTS);
  }

  @Override
  public Dialect dialect() {
    return Dialect.ORACLE;
  }

  @Override
  public void checkPrivileges(Target target, StepLog log) {
    List<String> missing;
    try (Connection connection = target.connect()) {
      Set<String> privileges = new HashSet<>(queryStrings(connection, OraclePrivileges.SESSION_PRIVILEGES));
      Set<String> roles = new HashSet<>(queryStrings(connection, OraclePrivileges.SESSION_ROLES));
      String directory = directory(target);
      Set<String> objects = new HashSet<>(queryStrings(connection, OraclePrivileges.objectPrivileges(OraclePrivileges.PACKAGES.size()),
          OraclePrivileges.objectPrivilegeBinds(directory).toArray()));
      boolean dictionary = privileges.contains("SELECT ANY DICTIONARY") || roles.contains("SELECT_CATALOG_ROLE");
      boolean directoryExists = dictionary && queryLong(connection, OraclePrivileges.DIRECTORY_EXISTS, directory) > 0;
      missing = OraclePrivileges.missing(privileges, roles, objects, directory, directoryExists);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the privileges of " + target.username() + " on target " + target.name() + ": " + e.getMessage(), e);
    }
    if (!missing.isEmpty()) {
      log.ran("privileges of " + target.username(), "missing: " + String.join("; ", missing));
      throw new IllegalStateException("the account " + target.username() + " on target " + target.name()
          + " lacks what the schema restore needs (nothing has been changed): " + String.join("; ", missing));
    }
    log.ran("privileges of " + target.username(), "every privilege the schema restore needs is held");
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
  private FileCheck dumpVisible(Connection connection, Target target, String dumpFileOrSet) throws SQLException {
    // Of a file set (name_%U.dmp) the first file is checked: Data Pump numbers them from 01.
    String dumpFile = DataPump.firstFileOf(dumpFileOrSet);
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
      List<String> outside = List.of();
      if (!existing.isEmpty()) {
        List<Object> users = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          users.addAll(existing);
        }
        outside = queryStrings(connection, OracleStatements.outsideDependents(existing.size()), users.toArray());
      }
      return new Inventory(existing, missing, existing, objects, sessions,
          List.of("dump file " + request.dumpFile() + ", " + dump.length() + " bytes, checked through " + dump.how()), outside);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot inspect target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public RestorePlan plan(Target target, SchemaRestoreRequest request, Inventory inventory, String runId) {
    String tablespace;
    String product;
    try (Connection connection = target.connect()) {
      tablespace = Identifiers.canonical(Dialect.ORACLE, queryString(connection, OracleStatements.DEFAULT_TABLESPACE), "default tablespace");
      product = queryString(connection, OracleStatements.PRODUCT);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the default tablespace and edition of " + target.name() + ": " + e.getMessage(), e);
    }
    return plan(target, request, inventory, runId, tablespace, DataPump.parallelism(product, target.properties().parallelism()));
  }

  /**
   * The plan, once the database has told the default tablespace and the edition.
   *
   * @param parallel the Data Pump parallelism this server takes (1 unless Enterprise Edition)
   */
  RestorePlan plan(Target target, SchemaRestoreRequest request, Inventory inventory, String runId, String tablespace, int parallel) {
    String id = jobId(runId);
    String directory = directory(target);
    List<String> users = new ArrayList<>(inventory.existingUsers());
    inventory.missingUsers().stream().filter(u -> !users.contains(u)).forEach(users::add);
    users.sort(Inventory.ownerFirst(request.schemaOwner()));

    JobSpec safetyExport = null;
    if (request.safetyExport() && !inventory.existingUsers().isEmpty()) {
      // In parallel each worker writes a file of its own: a file set, numbered by Data Pump (_01, _02...).
      JobParameters export = new JobParameters("EXPORT", "REBOUND_EXP_" + id, directory,
          "rebound_safety_" + request.schemaOwner().toLowerCase(Locale.ROOT) + "_" + id.toLowerCase(Locale.ROOT)
              + (parallel > 1 ? "_" + DataPump.FILE_NUMBER : "") + ".dmp",
          "rebound_safety_" + id.toLowerCase(Locale.ROOT) + ".log", inventory.existingUsers(), parallel);
      safetyExport = export.spec();
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
    bootstrap.addAll(OracleStatements.directory(directory, target.dumpDirectory().toString(), request.schemaOwner(), target.username()));

    JobParameters importJob = new JobParameters("IMPORT", "REBOUND_IMP_" + id, directory, request.dumpFile(),
        "rebound_import_" + id.toLowerCase(Locale.ROOT) + ".log", List.of(request.schemaOwner()), parallel);
    return new RestorePlan(target.name(), Dialect.ORACLE, request.schemaOwner(), users, inventory, safetyExport, reset, bootstrap,
        importJob.spec(), locked, request);
  }

  @Override
  public void setPassword(Connection connection, String user, String password) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(OracleStatements.setPasswordStatement(user, password));
    }
  }

  @Override
  public JobProgress startOrAttach(Target target, JobSpec job, String runId, StepLog log) {
    JobParameters parameters = JobParameters.of(job);
    try (Connection connection = target.connect()) {
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
    } catch (SQLException e) {
      throw new IllegalStateException("Data Pump job " + parameters.jobName() + " could not be started: " + e.getMessage(), e);
    }
  }

  @Override
  public JobProgress look(Target target, JobSpec job, String runId) {
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

  private JobProgress look(Connection connection, Target target, JobParameters job) throws SQLException {
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
      run(target, OracleStatements.directory(job.directory(), target.dumpDirectory().toString(), job.schemas().get(0), target.username()), log);
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

  @Override
  public VerifyReport verify(Target target, String schemaOwner, List<String> keyTables, Map<String, String> sequences, StepLog log) {
    try (Connection connection = target.connect()) {
      List<String[]> invalidObjects = invalidObjects(connection, schemaOwner);
      List<String> invalid = invalidObjects.stream().map(o -> o[0] + " " + o[1]).toList();
      List<String> stillInvalid = invalid;
      if (!invalid.isEmpty()) {
        recompile(connection, schemaOwner, invalidObjects, log);
        stillInvalid = stillInvalid(connection, schemaOwner);
        log.ran("invalid objects of " + schemaOwner + " after recompiling", stillInvalid.isEmpty() ? "none" : String.join("; ", stillInvalid));
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

  private static List<String[]> invalidObjects(Connection connection, String owner) throws SQLException {
    List<String[]> objects = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(OracleStatements.INVALID_OBJECTS)) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          objects.add(new String[] {rows.getString(1), rows.getString(2)});
        }
      }
    }
    return objects;
  }

  /**
   * Recompiles the schema in dependency order; if that cannot run (ORA-20000, a privilege missing for some
   * object), each invalid object on its own, so what can be compiled is, and what cannot is reported.
   */
  private static void recompile(Connection connection, String owner, List<String[]> invalid, StepLog log) throws SQLException {
    try {
      executeCall(connection, OracleStatements.RECOMPILE, owner);
      log.ran(OracleStatements.RECOMPILE + "  -- binds: " + owner, "recompiled " + invalid.size() + " invalid objects");
      return;
    } catch (SQLException e) {
      log.ran(OracleStatements.RECOMPILE + "  -- binds: " + owner, "failed: " + e.getMessage() + "; recompiling object by object");
    }
    for (String[] object : invalid) {
      String sql = OracleStatements.compile(owner, object[0], object[1]);
      if (sql == null) {
        continue;
      }
      try (Statement statement = connection.createStatement()) {
        // An object that does not compile stays invalid (ORA-24344, a warning or an error by driver): read below.
        statement.execute(sql);
        log.ran(sql, "ok");
      } catch (SQLException e) {
        log.ran(sql, "failed: " + e.getMessage());
      }
    }
  }

  /** The objects still invalid, each with its first compilation error where the dictionary has one. */
  private static List<String> stillInvalid(Connection connection, String owner) throws SQLException {
    Map<String, String> errors = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(OracleStatements.FIRST_ERRORS)) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          errors.put(rows.getString(1) + " " + rows.getString(2), rows.getString(3));
        }
      }
    }
    List<String> still = new ArrayList<>();
    for (String[] object : invalidObjects(connection, owner)) {
      String name = object[0] + " " + object[1];
      String error = errors.get(name);
      still.add(error == null ? name : name + " (" + error.strip() + ")");
    }
    return still;
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
