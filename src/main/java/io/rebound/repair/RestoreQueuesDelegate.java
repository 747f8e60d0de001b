package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** QueIn and QueOut restored from the working directory up to its newest replica. */
@Component
class RestoreQueuesDelegate extends RepairStep {

  RestoreQueuesDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, run.guard(), workstations, run);
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.RESTORE_QUEUES;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    return workstation(execution).restoreQueuesFromDirectory();
  }
}
