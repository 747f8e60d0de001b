package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Sets the "repair started" mark before anything else changes: the workstation's normal cycle stops, and a
 * repair cut off anywhere is visible to the next diagnosis.
 */
@Component
class MarkRepairStartedDelegate extends RepairStep {

  MarkRepairStartedDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, workstations, run);
  }

  @Override
  protected String step() {
    return "mark-repair-started";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    workstation(execution).markRepairStarted(execution.getProcessInstanceId());
    return "repair mark set";
  }
}
