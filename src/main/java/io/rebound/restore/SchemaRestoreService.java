package io.rebound.restore;

import io.rebound.runbook.StepLog;
import io.rebound.target.ByDialect;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Service;

/**
 * The schema restore, step by step, over whichever dialect the target speaks. Knows nothing of the
 * engine: the delegates hand it requests and plans and store what it returns.
 */
@Service
public class SchemaRestoreService {

  private final Targets targets;
  private final ByDialect<SchemaRestoreDialect> dialects;

  public SchemaRestoreService(Targets targets, List<SchemaRestoreDialect> dialects) {
    this.targets = targets;
    this.dialects = new ByDialect<>(dialects, "schema restore");
  }

  /**
   * Checks the target answers, the account holds what the restore needs and the dump is there, looks at what will be replaced and computes the plan.
   *
   * @throws DumpNotFoundException when the dump file is missing or unreadable
   */
  public RestorePlan preflight(SchemaRestoreRequest request, String runId, StepLog log) {
    Target target = targets.get(request.target());
    SchemaRestoreDialect dialect = dialect(target);
    checkReachable(target, log);
    dialect.checkPrivileges(target, log);
    dialect.checkDumpReadable(target, request.dumpFile());
    log.ran("dump file " + request.dumpFile() + " in " + target.dumpDirectory(), "present and readable");
    if (request.schemaOwner().equalsIgnoreCase(target.username()) || request.companionUsers().stream().anyMatch(u -> u.equalsIgnoreCase(target.username()))) {
      throw new IllegalArgumentException("the restore would drop " + target.username() + ", the account Rebound connects with");
    }
    Inventory inventory = dialect.inspect(target, request);
    log.fact("existingUsers", inventory.existingUsers());
    log.fact("objectCounts", inventory.objectCounts());
    log.fact("sessions", inventory.sessions().size());
    return dialect.plan(target, request, inventory, runId);
  }

  public void reset(RestorePlan plan, StepLog log) {
    Target target = targets.get(plan.target());
    dialect(target).run(target, plan.reset(), log);
  }

  public void bootstrap(RestorePlan plan, StepLog log) {
    Target target = targets.get(plan.target());
    dialect(target).run(target, plan.bootstrap(), log);
  }

  public JobProgress startJob(RestorePlan plan, JobSpec job, String runId, StepLog log) {
    Target target = targets.get(plan.target());
    return dialect(target).startOrAttach(target, job, runId, log);
  }

  public Optional<CompletableFuture<Void>> whenFinished(RestorePlan plan, JobSpec job, String runId) {
    Target target = targets.get(plan.target());
    return dialect(target).whenFinished(target, job, runId);
  }

  /** Where the job stands; starts nothing. */
  public JobProgress lookAtJob(RestorePlan plan, JobSpec job, String runId) {
    Target target = targets.get(plan.target());
    return dialect(target).look(target, job, runId);
  }

  /** Verifies the restored schema as the approved plan's request says: key tables, sequences, invalid objects. */
  public VerifyReport verify(RestorePlan plan, StepLog log) {
    Target target = targets.get(plan.target());
    SchemaRestoreRequest request = plan.request();
    return dialect(target).verify(target, request.schemaOwner(), request.keyTables(), request.sequences(), log);
  }

  private static void checkReachable(Target target, StepLog log) {
    try (Connection connection = target.connect()) {
      log.ran("connect to " + target.name(), "reachable: " + connection.getMetaData().getDatabaseProductName() + " "
          + connection.getMetaData().getDatabaseProductVersion());
    } catch (SQLException e) {
      throw new IllegalStateException("target " + target.name() + " is not reachable: " + e.getMessage(), e);
    }
  }

  private SchemaRestoreDialect dialect(Target target) {
    return dialects.of(target);
  }
}
