package io.rebound.restore.postgresql;

import io.rebound.config.ReboundProperties;
import io.rebound.restore.Inventory;
import io.rebound.restore.JobProgress;
import io.rebound.restore.JobSpec;
import io.rebound.restore.PlannedAction;
import io.rebound.restore.RestorePlan;
import io.rebound.restore.SchemaRestoreDialect;
import io.rebound.restore.SchemaRestoreRequest;
import io.rebound.restore.VerifyReport;
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.postgresql.PGConnection;
import org.springframework.stereotype.Component;

/**
 * Schema restore on PostgreSQL. The Oracle runbook's "user" is a role here and its schema the schemas
 * that role owns. The reset blocks the roles' logins, ends their backends and drops their schemas, owned
 * objects and the roles; the bootstrap recreates the roles; pg_restore loads the dump with
 * {@code --clean --if-exists}, so that running it again over a half-done import is harmless. Each step is done
 * by a part of this package (see its package-info); this class puts the plan together from them.
 */
@Component
public class PostgresSchemaRestore implements SchemaRestoreDialect {

  private final PostgresDumpFiles dumpFiles;
  private final PostgresInventory inventory;
  private final PostgresJobs jobs;
  private final PostgresVerifier verifier;

  public PostgresSchemaRestore(ReboundProperties properties, DetachedJobs jobs) {
    this.dumpFiles = new PostgresDumpFiles(properties.workDirectory());
    this.inventory = new PostgresInventory(dumpFiles);
    this.jobs = new PostgresJobs(properties.workDirectory(), jobs, dumpFiles);
    this.verifier = new PostgresVerifier();
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public void checkDumpReadable(Target target, String dumpFile) {
    dumpFiles.checkReadable(target, dumpFile);
  }

  @Override
  public Inventory inspect(Target target, SchemaRestoreRequest request) {
    return inventory.inspect(target, request);
  }

  @Override
  public RestorePlan plan(Target target, SchemaRestoreRequest request, Inventory inventory, String runId) {
    PostgresClient client = new PostgresClient(target);
    List<String> users = new ArrayList<>(inventory.existingUsers());
    inventory.missingUsers().stream().filter(u -> !users.contains(u)).forEach(users::add);
    users.sort(Inventory.ownerFirst(request.schemaOwner()));

    JobSpec safetyExport = request.safetyExport() && !inventory.schemas().isEmpty()
        ? PostgresJobs.safetyExport(target, client, request.schemaOwner(), inventory.schemas(), runId)
        : null;
    List<PlannedAction> reset = PostgresStatements.reset(inventory.existingUsers(), inventory.schemas());
    Predicate<String> hasPassword = user -> target.userPassword(user).isPresent();
    List<PlannedAction> bootstrap = PostgresStatements.bootstrap(users, client.database(), hasPassword);
    List<String> locked = users.stream().filter(hasPassword.negate()).toList();
    JobSpec importJob = PostgresJobs.importJob(target, client, request.dumpFile(), runId);
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
    return jobs.startOrAttach(target, job, runId, log);
  }

  @Override
  public Optional<CompletableFuture<Void>> whenFinished(Target target, JobSpec job, String runId) {
    return jobs.whenFinished(job, runId);
  }

  @Override
  public JobProgress look(Target target, JobSpec job, String runId) {
    return jobs.look(target, job, runId);
  }

  @Override
  public VerifyReport verify(Target target, String schemaOwner, List<String> keyTables, Map<String, String> sequences, StepLog log) {
    return verifier.verify(target, schemaOwner, keyTables, sequences, log);
  }
}
