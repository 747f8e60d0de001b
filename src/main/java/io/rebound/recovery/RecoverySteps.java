package io.rebound.recovery;

import static io.rebound.recovery.DatabaseRecoveryProcess.Variables.*;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.ApprovedPass;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.Plans;
import io.rebound.runbook.RunVariables;
import io.rebound.runbook.RunbookRequests;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The steps of the database-recovery process: thin delegates over {@link DatabaseRecoveryService}. Triage, its verify
 * and the plan change nothing a database holds; every step after the approval is guarded by it ({@link ApprovedPass}):
 * it runs once, in order, only for the plan whose hash the audit trail records as approved.
 */
final class RecoverySteps {

  private RecoverySteps() {}

  /** What every step needs, injected once. */
  @Component
  record Services(AuditTrail audit, DatabaseRecoveryService service, Plans plans, RunbookRequests requests,
      DatabaseRecoveryRunbook runbook, ApprovedPass pass) {

    DatabaseRecoveryRequest request(DelegateExecution execution) {
      return requests.read(execution, runbook);
    }

    RecoveryPlanView approved(DelegateExecution execution) {
      return plans.approved(execution, RecoveryPlanView.class);
    }
  }

  /** What the model's gateway and the people following the run read of a decision. Shown, never trusted by a step. */
  static void record(DelegateExecution execution, DatabaseRecoveryService.Assessment assessment) {
    StrategyDecision decision = assessment.decision();
    execution.setVariable(STRATEGY, decision.strategy().name());
    execution.setVariable(MOUNT_NEEDED, decision.mountNeeded());
    execution.setVariable(RENAME_NEEDED, decision.renameNeeded());
    execution.setVariable(COMPLETE, decision.complete());
    execution.setVariable(DATA_LOSS, decision.dataLoss());
    execution.setVariable(FILES_AFFECTED, assessment.triage().files().size());
    execution.setVariable(TRIAGE_SUMMARY, assessment.summary());
  }

  /** A step of the approved pass. */
  abstract static class GuardedStep extends AuditedStep {
    final Services services;

    GuardedStep(Services services) {
      super(services.audit(), services.pass().of(services.runbook()));
      this.services = services;
    }
  }

  @Component("triageDatabaseDelegate")
  static class TriageDatabaseDelegate extends AuditedStep {
    private final Services services;

    TriageDatabaseDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "triage";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      DatabaseRecoveryService.Assessment assessment;
      try {
        assessment = services.service().assess(services.request(execution), log);
      } catch (NotRecoverableException e) {
        throw fail(execution, DatabaseRecoveryProcess.Errors.NOT_RECOVERABLE, e.getMessage());
      }
      record(execution, assessment);
      return assessment.summary();
    }
  }

  @Component("verifyInstanceRecoveryDelegate")
  static class VerifyInstanceRecoveryDelegate extends AuditedStep {
    private final Services services;

    VerifyInstanceRecoveryDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "verify-instance";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      String summary = services.service().verifyInstance(services.request(execution), log);
      execution.setVariable(VERIFY_SUMMARY, summary);
      return summary;
    }
  }

  @Component("planDatabaseRecoveryDelegate")
  static class PlanDatabaseRecoveryDelegate extends AuditedStep {
    private final Services services;

    PlanDatabaseRecoveryDelegate(Services services) {
      super(services.audit());
      this.services = services;
    }

    @Override
    protected String step() {
      return "plan";
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RecoveryPlanView plan;
      try {
        plan = services.service().plan(services.request(execution), log);
      } catch (NotRecoverableException e) {
        throw fail(execution, DatabaseRecoveryProcess.Errors.NOT_RECOVERABLE, e.getMessage());
      }
      services.plans().present(execution, plan, step());
      return "plan computed: " + plan.decision().strategy() + ", " + plan.triage().files().size() + " file(s) affected, "
          + plan.backups().size() + " backups, " + plan.logBatches().size() + " log batches, data loss " + plan.dataLoss();
    }
  }

  @Component("recheckDatabaseRecoveryDelegate")
  static class RecheckDatabaseRecoveryDelegate extends GuardedStep {

    RecheckDatabaseRecoveryDelegate(Services services) {
      super(services);
    }

    @Override
    protected String step() {
      return DatabaseRecoveryRunbook.RECHECK;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RecoveryPlanView approved = services.approved(execution);
      RecoveryPlanView current;
      try {
        current = services.service().recheck(services.request(execution), approved, log);
      } catch (NotRecoverableException e) {
        throw fail(execution, DatabaseRecoveryProcess.Errors.PICTURE_CHANGED, e.getMessage());
      }
      if (!current.hash().equals(approved.hash())) {
        throw fail(execution, DatabaseRecoveryProcess.Errors.PICTURE_CHANGED, "the triage after the approval finds another picture"
            + " than the approved one (" + approved.hash() + " approved, " + current.hash() + " now); nothing was recovered:\n"
            + approved.changesTo(current));
      }
      return "the triage finds the approved picture again (" + approved.hash() + ")";
    }
  }

  @Component("startMediaRecoveryDelegate")
  static class StartMediaRecoveryDelegate extends GuardedStep {

    StartMediaRecoveryDelegate(Services services) {
      super(services);
    }

    @Override
    protected String step() {
      return DatabaseRecoveryRunbook.RECOVER;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      return progress(execution, services, log);
    }

    static String progress(DelegateExecution execution, Services services, StepLog log) {
      DatabaseRecoveryService.Progress progress = services.service().recover(services.request(execution), services.approved(execution),
          execution.getProcessInstanceId(), log);
      execution.setVariable(RECOVERY_DONE, progress.done());
      if (progress.host() != null) {
        execution.setVariable(RunVariables.JOB_HOST, progress.host());
      }
      return progress.done() ? "recovery finished" + (progress.detail() == null ? "" : " (" + progress.detail() + ")") : null;
    }
  }

  @Component("checkMediaRecoveryDelegate")
  static class CheckMediaRecoveryDelegate extends GuardedStep {

    CheckMediaRecoveryDelegate(Services services) {
      super(services);
    }

    @Override
    protected String step() {
      return DatabaseRecoveryRunbook.RECOVER;
    }

    @Override
    protected boolean recordsStart() {
      return false;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      return StartMediaRecoveryDelegate.progress(execution, services, log);
    }
  }

  @Component("verifyDatabaseRecoveryDelegate")
  static class VerifyDatabaseRecoveryDelegate extends GuardedStep {

    VerifyDatabaseRecoveryDelegate(Services services) {
      super(services);
    }

    @Override
    protected String step() {
      return DatabaseRecoveryRunbook.VERIFY;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      String summary = services.service().verify(services.request(execution), services.approved(execution),
          execution.getProcessInstanceId(), log);
      execution.setVariable(VERIFY_SUMMARY, summary);
      return summary;
    }
  }
}
