package io.rebound.backup.runbooks;

import static io.rebound.backup.runbooks.DatabaseRestoreProcess.Variables.*;
import static io.rebound.backup.runbooks.DatabaseRestoreRunbook.*;

import io.rebound.backup.RecoveryPlan;
import io.rebound.runbook.RunbookStep;
import io.rebound.runbook.RunbookSteps;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The steps of the database-restore process, one bean each under the name the model calls: thin delegates over
 * {@link DatabaseRestoreService}. The plan is shown for approval; every step after the approval is guarded by it: it
 * runs once, in order, only for the plan whose hash the audit trail records as approved.
 */
@Configuration(proxyBeanMethods = false)
class RestoreSteps {

  private final RunbookSteps<DatabaseRestoreRequest> steps;
  private final DatabaseRestoreService service;

  RestoreSteps(RunbookSteps.Services services, DatabaseRestoreRunbook runbook, DatabaseRestoreService service) {
    this.steps = services.of(runbook);
    this.service = service;
  }

  @Bean
  RunbookStep planDatabaseRestoreDelegate() {
    return steps.step("plan", (execution, log) -> {
      RestorePlanView plan = service.plan(steps.request(execution));
      steps.plans().present(execution, plan, "plan");
      return "plan computed: " + plan.backups().size() + " backups, " + plan.logBatches().size() + " log batches, "
          + plan.pieces().size() + " pieces, " + plan.totalBytes() + " bytes";
    });
  }

  @Bean
  RunbookStep recheckDatabaseRestorePlanDelegate() {
    return steps.guarded(RECHECK, (execution, log) -> {
      RestorePlanView approved = approved(execution);
      RestorePlanView current = service.recheck(steps.request(execution), approved);
      return steps.plans().recheck(execution, approved, current, RECHECK) ? "plan changed since approval; back to approval"
          : "plan unchanged since approval (" + approved.hash() + ")";
    });
  }

  @Bean
  RunbookStep checkPiecesDelegate() {
    return steps.guarded(CHECK_PIECES, (execution, log) -> {
      RestorePlanView plan = approved(execution);
      approvedPlan(execution);
      service.checkPieces(plan, log);
      return plan.pieces().size() + " pieces in the bucket as their manifests record them";
    });
  }

  @Bean
  RunbookStep startDatabaseRestoreDelegate() {
    return steps.guarded(RESTORE, this::restore);
  }

  @Bean
  RunbookStep checkDatabaseRestoreDelegate() {
    return steps.guarded(RESTORE, this::restore).poll();
  }

  @Bean
  RunbookStep verifyDatabaseRestoreDelegate() {
    return steps.guarded(VERIFY, (execution, log) -> {
      RecoveryPlan plan = approvedPlan(execution);
      String summary = service.verify(steps.request(execution), plan, execution.getProcessInstanceId(), log);
      execution.setVariable(VERIFY_SUMMARY, summary);
      return summary;
    });
  }

  /** Starts the restore's job, or polls it; the model waits on {@code restoreDone}. */
  private String restore(DelegateExecution execution, StepLog log) {
    RecoveryPlan plan = approvedPlan(execution);
    DatabaseRestoreService.Progress progress = service.restore(steps.request(execution), plan, approved(execution).commands(),
        execution.getProcessInstanceId(), log);
    steps.watch(execution, DatabaseRestoreProcess.Elements.WAIT_RESTORE, progress.whenEnded());
    return RunbookSteps.job(execution, RESTORE_DONE, progress.done(), progress.host(), RunbookSteps.finished("restore", progress.detail()));
  }

  private RestorePlanView approved(DelegateExecution execution) {
    return steps.approved(execution, RestorePlanView.class);
  }

  /** The approved plan as the physical layer takes it, refused when the catalog no longer gives that very plan. */
  private RecoveryPlan approvedPlan(DelegateExecution execution) {
    return service.approvedPlan(steps.request(execution), approved(execution));
  }
}
