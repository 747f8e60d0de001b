package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseRestoreProcess.Variables.*;

import io.rebound.audit.AuditTrail;
import io.rebound.backup.RecoveryPlan;
import io.rebound.runbook.ApprovedPass;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.Plans;
import io.rebound.runbook.RunVariables;
import io.rebound.runbook.RunbookRequests;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The steps of the database-restore process: thin delegates over {@link DatabaseRestoreService}. The plan is shown
 * for approval; every step after the approval is guarded by it ({@link ApprovedPass}): it runs once, in order, only
 * for the plan whose hash the audit trail records as approved.
 */
final class RestoreSteps {

  private RestoreSteps() {}

  /** What every step needs, injected once. */
  @Component
  record Services(AuditTrail audit, DatabaseRestoreService service, Plans plans, RunbookRequests requests, DatabaseRestoreRunbook runbook,
      ApprovedPass pass) {

    DatabaseRestoreRequest request(DelegateExecution execution) {
      return requests.read(execution, runbook);
    }

    RestorePlanView approved(DelegateExecution execution) {
      return plans.approved(execution, RestorePlanView.class);
    }

    /** The approved plan as the physical layer takes it, refused when the catalog no longer gives that very plan. */
    RecoveryPlan approvedPlan(DelegateExecution execution) {
      return service.approvedPlan(request(execution), approved(execution));
    }
  }

  /** A step of the approved pass. */
  abstract static class GuardedStep extends AuditedStep {
    final Services services;

    GuardedStep(Services services) {
      super(services.audit(), services.pass().of(services.runbook()));
      this.services = services;
    }
  }

  @Component("planDatabaseRestoreDelegate")
  static class PlanDatabaseRestoreDelegate extends AuditedStep {
    private final Services services;

    PlanDatabaseRestoreDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "plan";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RestorePlanView plan = services.service().plan(services.request(execution));
      services.plans().present(execution, plan, step());
      return "plan computed: " + plan.backups().size() + " backups, " + plan.logBatches().size() + " log batches, "
          + plan.pieces().size() + " pieces, " + plan.totalBytes() + " bytes";
    }
  }

  @Component("recheckDatabaseRestorePlanDelegate")
  static class RecheckDatabaseRestorePlanDelegate extends GuardedStep {

    RecheckDatabaseRestorePlanDelegate(Services services) {
      super(services);
    }

    @Override
    protected String step() {
      return DatabaseRestoreRunbook.RECHECK;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RestorePlanView approved = services.approved(execution);
      RestorePlanView current = services.service().recheck(services.request(execution), approved);
      if (!services.plans().recheck(execution, approved, current, step())) {
        return "plan unchanged since approval (" + approved.hash() + ")";
      }
      return "plan changed since approval; back to approval";
    }
  }

  @Component("checkPiecesDelegate")
  static class CheckPiecesDelegate extends GuardedStep {

    CheckPiecesDelegate(Services services) {
      super(services);
    }

    @Override
    protected String step() {
      return DatabaseRestoreRunbook.CHECK_PIECES;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RestorePlanView plan = services.approved(execution);
      services.approvedPlan(execution);
      services.service().checkPieces(plan, log);
      return plan.pieces().size() + " pieces in the bucket as their manifests record them";
    }
  }

  @Component("startDatabaseRestoreDelegate")
  static class StartDatabaseRestoreDelegate extends GuardedStep {

    StartDatabaseRestoreDelegate(Services services) {
      super(services);
    }

    @Override
    protected String step() {
      return DatabaseRestoreRunbook.RESTORE;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RecoveryPlan plan = services.approvedPlan(execution);
      return record(execution, services.service().restore(services.request(execution), plan, execution.getProcessInstanceId(), log));
    }

    static String record(DelegateExecution execution, DatabaseRestoreService.Progress progress) {
      execution.setVariable(RESTORE_DONE, progress.done());
      if (progress.host() != null) {
        execution.setVariable(RunVariables.JOB_HOST, progress.host());
      }
      return progress.done() ? "restore finished" + (progress.detail() == null ? "" : " (" + progress.detail() + ")") : null;
    }
  }

  @Component("checkDatabaseRestoreDelegate")
  static class CheckDatabaseRestoreDelegate extends GuardedStep {

    CheckDatabaseRestoreDelegate(Services services) {
      super(services);
    }

    @Override
    protected String step() {
      return DatabaseRestoreRunbook.RESTORE;
    }

    @Override
    protected boolean recordsStart() {
      return false;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RecoveryPlan plan = services.approvedPlan(execution);
      return StartDatabaseRestoreDelegate.record(execution,
          services.service().restore(services.request(execution), plan, execution.getProcessInstanceId(), log));
    }
  }

  @Component("verifyDatabaseRestoreDelegate")
  static class VerifyDatabaseRestoreDelegate extends GuardedStep {

    VerifyDatabaseRestoreDelegate(Services services) {
      super(services);
    }

    @Override
    protected String step() {
      return DatabaseRestoreRunbook.VERIFY;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RecoveryPlan plan = services.approvedPlan(execution);
      String summary = services.service().verify(services.request(execution), plan, execution.getProcessInstanceId(), log);
      execution.setVariable(VERIFY_SUMMARY, summary);
      return summary;
    }
  }
}
