package io.rebound.recovery;

import static io.rebound.recovery.DatabaseRecoveryProcess.Variables.*;
import static io.rebound.recovery.DatabaseRecoveryRunbook.*;
import static io.rebound.runbook.AuditedStep.fail;

import io.rebound.recovery.DatabaseRecoveryProcess.Errors;
import io.rebound.runbook.RunbookStep;
import io.rebound.runbook.RunbookSteps;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The steps of the database-recovery process, one bean each under the name the model calls: thin delegates over
 * {@link DatabaseRecoveryService}. Triage, its verify and the plan change nothing a database holds; every step after
 * the approval is guarded by it: it runs once, in order, only for the plan whose hash the audit trail records as
 * approved.
 */
@Configuration(proxyBeanMethods = false)
class RecoverySteps {

  private final RunbookSteps<DatabaseRecoveryRequest> steps;
  private final DatabaseRecoveryService service;

  RecoverySteps(RunbookSteps.Services services, DatabaseRecoveryRunbook runbook, DatabaseRecoveryService service) {
    this.service = service;
    this.steps = services.of(runbook);
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

  @Bean
  RunbookStep triageDatabaseDelegate() {
    return steps.step("triage", (execution, log) -> {
      DatabaseRecoveryService.Assessment assessment;
      try {
        assessment = service.assess(steps.request(execution), log);
      } catch (NotRecoverableException e) {
        throw fail(execution, Errors.NOT_RECOVERABLE, e.getMessage());
      }
      record(execution, assessment);
      return assessment.summary();
    });
  }

  @Bean
  RunbookStep verifyInstanceRecoveryDelegate() {
    return steps.step("verify-instance", (execution, log) -> summary(execution, service.verifyInstance(steps.request(execution), log)));
  }

  @Bean
  RunbookStep planDatabaseRecoveryDelegate() {
    return steps.step("plan", (execution, log) -> {
      RecoveryPlanView plan;
      try {
        plan = service.plan(steps.request(execution), log);
      } catch (NotRecoverableException e) {
        throw fail(execution, Errors.NOT_RECOVERABLE, e.getMessage());
      }
      steps.plans().present(execution, plan, "plan");
      return "plan computed: " + plan.decision().strategy() + ", " + plan.triage().files().size() + " file(s) affected, "
          + plan.backups().size() + " backups, " + plan.logBatches().size() + " log batches, data loss " + plan.dataLoss();
    });
  }

  @Bean
  RunbookStep recheckDatabaseRecoveryDelegate() {
    return steps.guarded(RECHECK, (execution, log) -> {
      RecoveryPlanView approved = approved(execution);
      RecoveryPlanView current;
      try {
        current = service.recheck(steps.request(execution), approved, log);
      } catch (NotRecoverableException e) {
        throw fail(execution, Errors.PICTURE_CHANGED, e.getMessage());
      }
      if (!current.hash().equals(approved.hash())) {
        throw fail(execution, Errors.PICTURE_CHANGED, "the triage after the approval finds another picture than the approved one ("
            + approved.hash() + " approved, " + current.hash() + " now); nothing was recovered:\n" + approved.changesTo(current));
      }
      return "the triage finds the approved picture again (" + approved.hash() + ")";
    });
  }

  @Bean
  RunbookStep startMediaRecoveryDelegate() {
    return steps.guarded(RECOVER, this::recover);
  }

  /** Starts the recovery's job, or polls it; the model waits on {@code recoveryDone}. */
  private String recover(DelegateExecution execution, StepLog log) {
    DatabaseRecoveryService.Progress progress = service.recover(steps.request(execution), approved(execution),
        execution.getProcessInstanceId(), log);
    steps.watch(execution, DatabaseRecoveryProcess.Elements.WAIT_RECOVERY, progress.whenEnded());
    return RunbookSteps.job(execution, RECOVERY_DONE, progress.done(), progress.host(), RunbookSteps.finished("recovery", progress.detail()));
  }

  @Bean
  RunbookStep checkMediaRecoveryDelegate() {
    return steps.guarded(RECOVER, this::recover).poll();
  }

  @Bean
  RunbookStep verifyDatabaseRecoveryDelegate() {
    return steps.guarded(VERIFY, (execution, log) -> summary(execution, service.verify(steps.request(execution), approved(execution),
        execution.getProcessInstanceId(), log)));
  }

  private RecoveryPlanView approved(DelegateExecution execution) {
    return steps.approved(execution, RecoveryPlanView.class);
  }

  private static String summary(DelegateExecution execution, String summary) {
    execution.setVariable(VERIFY_SUMMARY, summary);
    return summary;
  }
}
