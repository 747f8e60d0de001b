package io.rebound.restore.oracle;

import static io.rebound.target.Jdbc.queryString;

import io.rebound.restore.Inventory;
import io.rebound.restore.JobProgress;
import io.rebound.restore.JobSpec;
import io.rebound.restore.PlannedAction;
import io.rebound.restore.RestorePlan;
import io.rebound.restore.SchemaRestoreDialect;
import io.rebound.restore.SchemaRestoreRequest;
import io.rebound.restore.VerifyReport;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Identifiers;
import io.rebound.target.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Schema restore on Oracle, as the WINSTORE runbook does it by hand: lock the accounts and end their
 * sessions, drop the users CASCADE, create them again with minimal grants and the DIRECTORY, import the
 * owner's schema with Data Pump (TABLE_EXISTS_ACTION=REPLACE, statistics excluded), recompile, check
 * and resynchronise sequences. Connect as a user with DBA rights and the Data Pump roles (SYSTEM). Each step is
 * done by a part of this package (see its package-info); this class puts the plan together from them.
 */
@Component
public class OracleSchemaRestore implements SchemaRestoreDialect {

  private final OracleDumpFiles dumpFiles;
  private final OracleInventory inventory;
  private final OracleJobs jobs;
  private final OracleVerifier verifier;

  /**
   * @param maxRestarts how often a Data Pump job stopped by a shutdown of its instance is restarted before the
   *     run reports it failed ({@code rebound.oracle.data-pump-restarts})
   */
  @Autowired
  public OracleSchemaRestore(@Value("${rebound.oracle.data-pump-restarts:" + OracleJobs.DEFAULT_RESTARTS + "}") int maxRestarts) {
    this.dumpFiles = new OracleDumpFiles();
    this.inventory = new OracleInventory(dumpFiles);
    this.jobs = new OracleJobs(maxRestarts, this::run);
    this.verifier = new OracleVerifier();
  }

  public OracleSchemaRestore() {
    this(OracleJobs.DEFAULT_RESTARTS);
  }

  @Override
  public Dialect dialect() {
    return Dialect.ORACLE;
  }

  @Override
  public void checkPrivileges(Target target, StepLog log) {
    OraclePrivileges.check(target, log);
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
    String directory = OracleDumpFiles.directory(target);
    List<String> users = new ArrayList<>(inventory.existingUsers());
    inventory.missingUsers().stream().filter(u -> !users.contains(u)).forEach(users::add);
    users.sort(Inventory.ownerFirst(request.schemaOwner()));

    JobSpec safetyExport = request.safetyExport() && !inventory.existingUsers().isEmpty()
        ? OracleJobs.safetyExport(directory, request.schemaOwner(), inventory.existingUsers(), runId, parallel)
        : null;
    List<PlannedAction> reset = OracleStatements.reset(inventory.existingUsers());
    Predicate<String> hasPassword = user -> target.userPassword(user).isPresent();
    List<PlannedAction> bootstrap = OracleStatements.bootstrap(users, tablespace, hasPassword, request.schemaOwner(), directory,
        target.dumpDirectory().toString(), target.username());
    List<String> locked = users.stream().filter(hasPassword.negate()).toList();
    JobSpec importJob = OracleJobs.importJob(directory, request.dumpFile(), request.schemaOwner(), runId, parallel);
    return new RestorePlan(target.name(), Dialect.ORACLE, request.schemaOwner(), users, inventory, safetyExport, reset, bootstrap,
        importJob, locked, request);
  }

  @Override
  public void setPassword(Connection connection, String user, String password) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(OracleStatements.setPasswordStatement(user, password));
    }
  }

  @Override
  public JobProgress startOrAttach(Target target, JobSpec job, String runId, StepLog log) {
    return jobs.startOrAttach(target, job, log);
  }

  @Override
  public JobProgress look(Target target, JobSpec job, String runId) {
    return jobs.look(target, job);
  }

  @Override
  public VerifyReport verify(Target target, String schemaOwner, List<String> keyTables, Map<String, String> sequences, StepLog log) {
    return verifier.verify(target, schemaOwner, keyTables, sequences, log);
  }
}
