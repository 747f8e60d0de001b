package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseRestoreProcess.Elements.*;

import io.rebound.backup.PlanRefusedException;
import io.rebound.backup.RecoveryPoint;
import io.rebound.runbook.Approval;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.RunOutcome;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.RunbookInputs;
import io.rebound.target.Targets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The restore of a database from its backups as the runbook core knows it: it replaces the destination database,
 * so one approval of the plan authorises one pass through its steps. A point the catalog cannot reach is refused
 * at the start, with the gap named, before any run exists.
 */
@Component
class DatabaseRestoreRunbook implements Runbook<DatabaseRestoreRequest> {

  /** The steps one approval authorises, by their audit names, in order. */
  static final String RECHECK = "recheck-plan";
  static final String CHECK_PIECES = "check-pieces";
  static final String RESTORE = "restore";
  static final String VERIFY = "verify";
  static final List<String> PASS = List.of(RECHECK, CHECK_PIECES, RESTORE, VERIFY);

  private final DatabaseRestoreInputs inputs;
  private final BackupCatalogService catalog;

  DatabaseRestoreRunbook(Targets targets, BucketAccess bucket, BackupCatalogService catalog) {
    this.inputs = new DatabaseRestoreInputs(targets, bucket);
    this.catalog = catalog;
  }

  @Override
  public String key() {
    return DatabaseRestoreProcess.KEY;
  }

  @Override
  public String title() {
    return "database restore";
  }

  @Override
  public RunbookInputs<DatabaseRestoreRequest> inputs() {
    return inputs;
  }

  @Override
  public Optional<Approval<DatabaseRestoreRequest>> approval() {
    return Optional.of(new Approval<>(APPROVE, request -> PASS,
        request -> "Approve restore of " + request.target() + " to " + request.pointInTime()
            + (request.destination() == null || request.destination().equals(request.target()) ? "" : " onto " + request.destination())));
  }

  @Override
  public Map<String, RunOutcome> outcomes() {
    return Map.of(END_RESTORED, RunOutcome.COMPLETED, END_REJECTED, RunOutcome.REJECTED, END_EXPIRED, RunOutcome.EXPIRED);
  }

  /** A point the catalog cannot reach is refused here, so that nothing runs and nobody is asked to approve it. */
  @Override
  public void started(DelegateExecution execution, DatabaseRestoreRequest request) {
    try {
      catalog.plan(request.target(), RecoveryPoint.parse(request.pointInTime()));
    } catch (PlanRefusedException e) {
      throw new InvalidInputException("no restore of " + request.target() + " to " + request.pointInTime() + ": " + e.getMessage());
    }
  }
}
