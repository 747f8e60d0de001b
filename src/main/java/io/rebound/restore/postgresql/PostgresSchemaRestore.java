package io.rebound.restore.postgresql;

import static io.rebound.target.Identifiers.quote;

import io.rebound.config.ReboundProperties;
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
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.DetachedProcess;
import io.rebound.runbook.JobRunner;
import io.rebound.runbook.JobStatus;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import static io.rebound.target.Jdbc.queryLong;
import static io.rebound.target.Jdbc.queryStrings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.springframework.stereotype.Component;

/**
 * Schema restore on PostgreSQL. The Oracle runbook's "user" is a role here and its schema the schemas
 * that role owns. The reset blocks the roles' logins, ends their backends and drops their schemas, owned
 * objects and the roles; the bootstrap recreates the roles; pg_restore loads the dump with
 * {@code --clean --if-exists}, so that running it again over a half-done import is harmless.
 */
@Component
public class PostgresSchemaRestore implements SchemaRestoreDialect {

  static final String PASSWORD_FILE = "pgpass";
  /** The setting of a safety export's job that names the schemas it exports, comma-separated. */
  static final String SCHEMAS = "schemas";
  private static final Pattern TOC_SCHEMA = Pattern.compile("^\\d+; \\d+ \\d+ SCHEMA - (\\S+) (\\S+)$");
  private static final Pattern TOC_ENTRY = Pattern.compile("^\\d+; .*");
  private static final Pattern RESTORE_STEP = Pattern.compile("^pg_restore: (creating|processing data|executing|restoring) .*");
  private static final Pattern DUMP_STEP = Pattern.compile("^pg_dump: dumping contents of table .*");

  private final Path workDirectory;
  private final DetachedJobs jobs;

  public PostgresSchemaRestore(ReboundProperties properties, DetachedJobs jobs) {
    this.workDirectory = properties.workDirectory();
    this.jobs = jobs;
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public void checkDumpReadable(Target target, String dumpFile) {
    Path file = dumpPath(target, dumpFile);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new DumpNotFoundException("dump file " + dumpFile + " is not present or not readable in " + target.dumpDirectory());
    }
  }

  /**
   * What the reset's {@code DROP SCHEMA ... CASCADE} also drops or changes outside the schemas it drops: the
   * objects of other schemas (or of none, such as a cast or a publication) that depend on a relation,
   * function, type or the schema itself. An approver sees them before anything is dropped.
   */
  static final String OUTSIDE_DEPENDENTS = "WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = ANY(?)),"
      + " refs AS (SELECT 'pg_class'::regclass AS classid, c.oid FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns)"
      + " UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns)"
      + " UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM ns)"
      + " UNION ALL SELECT 'pg_namespace'::regclass, oid FROM ns),"
      // A default, a view's rule, a trigger or a policy has no schema of its own: it is in its table's.
      + " relation_of AS (SELECT 'pg_attrdef'::regclass AS classid, oid, adrelid AS relid FROM pg_attrdef"
      + " UNION ALL SELECT 'pg_rewrite'::regclass, oid, ev_class FROM pg_rewrite"
      + " UNION ALL SELECT 'pg_trigger'::regclass, oid, tgrelid FROM pg_trigger"
      + " UNION ALL SELECT 'pg_policy'::regclass, oid, polrelid FROM pg_policy)"
      + " SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) FROM pg_depend d"
      + " JOIN refs ON d.refclassid = refs.classid AND d.refobjid = refs.oid"
      + " CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) o"
      + " LEFT JOIN relation_of r ON r.classid = d.classid AND r.oid = d.objid"
      + " LEFT JOIN pg_class rc ON rc.oid = r.relid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
      + " WHERE d.deptype IN ('n', 'a') AND (COALESCE(o.schema, rn.nspname) IS NULL OR NOT COALESCE(o.schema, rn.nspname) = ANY(?))"
      + " ORDER BY 1";

  private static List<String> outsideDependents(Connection connection, List<String> schemas) throws SQLException {
    if (schemas.isEmpty()) {
      return List.of();
    }
    Array names = array(connection, schemas);
    return queryStrings(connection, OUTSIDE_DEPENDENTS, names, names);
  }

  @Override
  public Inventory inspect(Target target, SchemaRestoreRequest request) {
    try (Connection connection = target.connect()) {
      List<String> requested = new ArrayList<>();
      requested.add(request.schemaOwner());
      requested.addAll(request.companionUsers());
      List<String> existing = new ArrayList<>(queryStrings(connection,
          "SELECT rolname FROM pg_roles WHERE rolname = ANY(?) ORDER BY rolname", array(connection, requested)));
      if (request.companionPrefix() != null) {
        for (String user : queryStrings(connection,
            "SELECT rolname FROM pg_roles WHERE left(rolname, length(?)) = ? AND rolname NOT LIKE 'pg\\_%' ORDER BY rolname",
            request.companionPrefix(), request.companionPrefix())) {
          if (!existing.contains(user) && !user.equals(target.username()) && !user.equals("postgres")) {
            existing.add(user);
          }
        }
      }
      existing.sort(Inventory.ownerFirst(request.schemaOwner()));
      List<String> missing = requested.stream().filter(u -> !existing.contains(u)).toList();
      Array users = array(connection, existing);
      List<String> schemas = queryStrings(connection,
          "SELECT nspname FROM pg_namespace WHERE pg_get_userbyid(nspowner) = ANY(?) ORDER BY nspname", users);
      Map<String, Long> objects = new LinkedHashMap<>();
      try (PreparedStatement statement = connection.prepareStatement(
          "SELECT r.rolname, (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)"
              + " + (SELECT count(*) FROM pg_proc p WHERE p.proowner = r.oid) FROM pg_roles r WHERE r.rolname = ANY(?)")) {
        statement.setArray(1, users);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            objects.put(rows.getString(1), rows.getLong(2));
          }
        }
      }
      List<Inventory.Session> sessions = new ArrayList<>();
      try (PreparedStatement statement = connection.prepareStatement(
          "SELECT usename, pid::text, application_name, state FROM pg_stat_activity"
              + " WHERE usename = ANY(?) AND pid <> pg_backend_pid() ORDER BY pid")) {
        statement.setArray(1, users);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            sessions.add(new Inventory.Session(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
          }
        }
      }
      return new Inventory(existing, missing, schemas, objects, sessions, dumpContents(target, request.dumpFile()),
          outsideDependents(connection, schemas));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot inspect target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  /** The schemas in the dump's table of contents, with their owners, and how many entries it has. */
  private List<String> dumpContents(Target target, String dumpFile) {
    PostgresClient client = new PostgresClient(target);
    List<String> toc;
    try {
      toc = client.runShort(List.of(client.program("pg_restore").toString(), "--list", dumpPath(target, dumpFile).toString()),
          workDirectory.resolve("tmp"));
    } catch (PostgresClient.ClientCommandException e) {
      throw new DumpNotFoundException("dump file " + dumpFile + " is not a pg_dump archive pg_restore can read: " + e.getMessage());
    }
    List<String> contents = new ArrayList<>();
    long entries = 0;
    for (String line : toc) {
      Matcher schema = TOC_SCHEMA.matcher(line);
      if (schema.matches()) {
        contents.add("schema " + schema.group(1) + " owned by " + schema.group(2));
      }
      if (TOC_ENTRY.matcher(line).matches()) {
        entries++;
      }
    }
    contents.add(entries + " archive entries");
    return contents;
  }

  @Override
  public RestorePlan plan(Target target, SchemaRestoreRequest request, Inventory inventory, String runId) {
    PostgresClient client = new PostgresClient(target);
    List<String> users = new ArrayList<>(inventory.existingUsers());
    inventory.missingUsers().stream().filter(u -> !users.contains(u)).forEach(users::add);
    users.sort(Inventory.ownerFirst(request.schemaOwner()));

    JobSpec safetyExport = null;
    if (request.safetyExport() && !inventory.schemas().isEmpty()) {
      String file = "rebound-safety-" + request.schemaOwner() + "-" + shortId(runId) + ".dump";
      List<String> command = new ArrayList<>(List.of(client.program("pg_dump").toString(), "--format=custom", "--verbose"));
      command.addAll(client.connectionOptions());
      inventory.schemas().forEach(s -> command.add("--schema=" + s));
      command.add("--file=" + dumpPath(target, file));
      safetyExport = new JobSpec("rebound-export-" + shortId(runId), file, command,
          Map.of(SCHEMAS, String.join(",", inventory.schemas())));
    }

    List<PlannedAction> reset = new ArrayList<>();
    List<String> existing = inventory.existingUsers();
    for (String user : existing) {
      reset.add(PlannedAction.sql(guarded(user, "ALTER ROLE " + quote(user) + " NOLOGIN")));
    }
    if (!existing.isEmpty()) {
      reset.add(PlannedAction.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(string_to_array(?, ',')) AND pid <> pg_backend_pid()",
          String.join(",", existing)));
    }
    for (String schema : inventory.schemas()) {
      reset.add(PlannedAction.sql("DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE"));
    }
    for (String user : existing) {
      reset.add(PlannedAction.sql(guarded(user, "DROP OWNED BY " + quote(user) + " CASCADE")));
      reset.add(PlannedAction.sql("DROP ROLE IF EXISTS " + quote(user)));
    }

    List<PlannedAction> bootstrap = new ArrayList<>();
    List<String> locked = new ArrayList<>();
    String database = quoteDatabase(client.database());
    for (String user : users) {
      boolean hasPassword = target.userPassword(user).isPresent();
      if (!hasPassword) {
        locked.add(user);
      }
      bootstrap.add(PlannedAction.sql(guardedAbsent(user, "CREATE ROLE " + quote(user) + (hasPassword ? " LOGIN" : " NOLOGIN"))));
      if (hasPassword) {
        bootstrap.add(PlannedAction.setPassword(user, "ALTER ROLE " + quote(user) + " PASSWORD <from target configuration>"));
      }
      bootstrap.add(PlannedAction.sql("GRANT CONNECT ON DATABASE " + database + " TO " + quote(user)));
    }

    List<String> command = new ArrayList<>(List.of(client.program("pg_restore").toString(), "--verbose", "--clean", "--if-exists",
        "--jobs=" + target.properties().parallelism()));
    command.addAll(client.connectionOptions());
    command.add(dumpPath(target, request.dumpFile()).toString());
    JobSpec importJob = new JobSpec("rebound-import-" + shortId(runId), request.dumpFile(), command);
    return new RestorePlan(target.name(), Dialect.POSTGRESQL, request.schemaOwner(), users, inventory, safetyExport, reset, bootstrap,
        importJob, locked, request);
  }

  /** Hashed by the driver (SCRAM), so the password itself never reaches the server or its logs. */
  @Override
  public void setPassword(Connection connection, String user, String password) throws SQLException {
    connection.unwrap(PGConnection.class).alterUserPassword(user, password.toCharArray(), "scram-sha-256");
  }

  @Override
  public JobProgress startOrAttach(Target target, JobSpec job, String runId, StepLog log) {
    DetachedProcess process = process(runId, job);
    JobRunner runner = JobRunner.of(process);
    JobStatus before = runner.look();
    String command = String.join(" ", job.parameters());
    if (before.needsStart()) {
      PostgresClient client = new PostgresClient(target);
      JobStatus after = runner.startOrAttach(new JobRunner.Command(job.parameters(),
          client.environment(process.directory().resolve(PASSWORD_FILE)), Map.of(PASSWORD_FILE, client.passwordFileContent())));
      if (after.startedNow()) {
        // Sized after the start, off the job's critical path: progress is a convenience.
        writeTotal(target, job, process);
        // --clean makes a second run over the first one's remains safe.
        log.startedJob(command, (before.status() == DetachedProcess.Status.VANISHED
            ? "restarted: the earlier run vanished without an exit code" : "started") + " on " + after.host());
      } else {
        log.ran(command, "attached: another node started it first, on " + after.host());
      }
    } else {
      log.ran(command, "attached to the job started earlier (" + before.status() + ", on " + before.host() + ")");
    }
    return look(target, job, runId);
  }

  @Override
  public Optional<CompletableFuture<Void>> whenFinished(Target target, JobSpec job, String runId) {
    return process(runId, job).handle().map(handle -> handle.onExit().thenApply(ended -> null));
  }

  @Override
  public JobProgress look(Target target, JobSpec job, String runId) {
    DetachedProcess process = process(runId, job);
    return progress(JobRunner.of(process), process);
  }

  /** A process's status as the restore's progress: the one place the two meet. */
  private static JobProgress progress(JobRunner runner, DetachedProcess process) {
    JobStatus status = runner.look();
    switch (status.status()) {
      case NOT_STARTED -> {
        return new JobProgress(JobProgress.State.NOT_STARTED, 0, List.of(), "not started", null);
      }
      case VANISHED -> {
        return new JobProgress(JobProgress.State.GONE, 0, List.of(), "stopped without an exit code on " + status.host()
            + " (its node went down with it)", status.host());
      }
      case RUNNING -> {
        return new JobProgress(JobProgress.State.RUNNING, Math.min(99, percent(process, process.logLines())), List.of(),
            "running on " + status.host(), status.host());
      }
      default -> {
        List<String> lines = process.logLines();
        process.removeFiles(List.of(PASSWORD_FILE));
        List<String> errors = errorLines(lines);
        if (status.status() == DetachedProcess.Status.SUCCEEDED) {
          return new JobProgress(JobProgress.State.SUCCEEDED, 100, errors, "exit code 0 on " + status.host(), status.host());
        }
        if (errors.isEmpty()) {
          errors = lines.subList(Math.max(0, lines.size() - 20), lines.size());
        }
        int percent = percent(process, lines);
        // Kept for the record, out of the way: a retry of the step starts the job afresh (--clean makes that safe).
        Path aside = runner.moveAside();
        return new JobProgress(JobProgress.State.FAILED, percent, errors, "exit code " + status.exitCode() + " on " + status.host()
            + ", log kept in " + aside, status.host());
      }
    }
  }

  @Override
  public VerifyReport verify(Target target, String schemaOwner, List<String> keyTables, Map<String, String> sequences, StepLog log) {
    try (Connection connection = target.connect()) {
      List<String> schemas = queryStrings(connection,
          "SELECT nspname FROM pg_namespace WHERE pg_get_userbyid(nspowner) = ? ORDER BY nspname", schemaOwner);
      Array schemaArray = array(connection, schemas);
      List<String> invalid = new ArrayList<>();
      invalid.addAll(queryStrings(connection,
          "SELECT 'index ' || n.nspname || '.' || c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
              + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(?) AND NOT i.indisvalid ORDER BY 1", schemaArray));
      invalid.addAll(queryStrings(connection,
          "SELECT 'constraint ' || n.nspname || '.' || c.conname || ' NOT VALID' FROM pg_constraint c"
              + " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = ANY(?) AND NOT c.convalidated ORDER BY 1", schemaArray));
      log.fact("invalidObjects", invalid);

      Map<String, Long> rowCounts = new LinkedHashMap<>();
      List<String> empty = new ArrayList<>();
      for (String table : keyTables) {
        List<String> found = queryStrings(connection,
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relname = ? AND c.relkind IN ('r', 'p') AND n.nspname = ANY(?) ORDER BY n.nspname = ? DESC, n.nspname",
            table, schemaArray, schemaOwner);
        if (found.isEmpty()) {
          empty.add(table + " (missing)");
          continue;
        }
        String sql = "SELECT count(*) FROM " + quote(found.get(0)) + "." + quote(table);
        long rows = queryLong(connection, sql);
        log.ran(sql, rows + " rows");
        rowCounts.put(table, rows);
        if (rows == 0) {
          empty.add(table);
        }
      }

      String ownerSchema = schemas.contains(schemaOwner) ? schemaOwner : schemas.isEmpty() ? schemaOwner : schemas.get(0);
      List<SequenceResync> resynced = PostgresSequences.resync(connection, schemaArray, schemas, ownerSchema, sequences, log);
      return new VerifyReport(invalid, invalid, rowCounts, empty, resynced);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot verify target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  private void writeTotal(Target target, JobSpec job, DetachedProcess process) {
    try {
      Files.createDirectories(process.directory());
      long total;
      if (job.name().startsWith("rebound-import")) {
        total = dumpContents(target, job.file()).stream().filter(c -> c.endsWith(" archive entries"))
            .mapToLong(c -> Long.parseLong(c.split(" ")[0])).sum();
      } else {
        try (Connection connection = target.connect()) {
          List<String> schemas = List.of(job.setting(SCHEMAS).split(","));
          try (PreparedStatement statement = connection.prepareStatement(
              "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(?)")) {
            statement.setArray(1, array(connection, schemas));
            try (ResultSet rows = statement.executeQuery()) {
              rows.next();
              total = rows.getLong(1);
            }
          }
        }
      }
      Files.writeString(process.directory().resolve("total"), Long.toString(total));
    } catch (Exception e) {
      // Progress is a convenience; a job whose size cannot be told still runs.
    }
  }

  private static int percent(DetachedProcess process, List<String> lines) {
    try {
      Path totalFile = process.directory().resolve("total");
      long total = Files.exists(totalFile) ? Long.parseLong(Files.readString(totalFile).strip()) : 0;
      if (total <= 0) {
        return 0;
      }
      Pattern step = process.directory().getFileName().toString().startsWith("rebound-import") ? RESTORE_STEP : DUMP_STEP;
      long done = lines.stream().filter(l -> step.matcher(l).matches()).count();
      return (int) Math.min(100, done * 100 / total);
    } catch (Exception e) {
      return 0;
    }
  }

  /** pg_restore and pg_dump errors, each with the command it was about when the tool says so. */
  static List<String> errorLines(List<String> lines) {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.contains(": error: ") || line.startsWith("pg_restore: warning: errors ignored") || line.contains("FATAL:")) {
        errors.add(line);
        if (i + 1 < lines.size() && lines.get(i + 1).startsWith("Command was:")) {
          errors.add(lines.get(i + 1));
        }
      }
    }
    return errors;
  }

  private DetachedProcess process(String runId, JobSpec job) {
    return jobs.at(workDirectory.resolve(runId).resolve(job.name()));
  }

  private static Path dumpPath(Target target, String dumpFile) {
    if (target.dumpDirectory() == null) {
      throw new IllegalStateException("rebound.targets." + target.name() + ".dump-directory is not set");
    }
    Path directory = target.dumpDirectory().toAbsolutePath().normalize();
    Path file = directory.resolve(dumpFile).normalize();
    if (!file.getParent().equals(directory)) {
      throw new IllegalArgumentException("dump file " + dumpFile + " is outside the dump directory");
    }
    return file;
  }

  private static String guarded(String role, String statement) {
    return "DO $rebound$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN EXECUTE '"
        + statement.replace("'", "''") + "'; END IF; END $rebound$";
  }

  private static String guardedAbsent(String role, String statement) {
    return "DO $rebound$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN EXECUTE '"
        + statement.replace("'", "''") + "'; END IF; END $rebound$";
  }

  /** Database names come from configuration and may need any quoting. */
  private static String quoteDatabase(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  static String shortId(String runId) {
    String compact = runId.replaceAll("[^A-Za-z0-9]", "");
    return compact.length() <= 12 ? compact : compact.substring(0, 12);
  }

  private static Array array(Connection connection, List<String> values) throws SQLException {
    return connection.createArrayOf("text", values.toArray());
  }
}
