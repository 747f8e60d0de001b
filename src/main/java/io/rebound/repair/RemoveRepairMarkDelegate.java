package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** The last step: the "repair started" mark goes, and only then is the repair complete. */
@Component
class RemoveRepairMarkDelegate extends RepairStep {

  RemoveRepairMarkDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, run.guard(), workstations, run);
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.REMOVE_REPAIR_MARK;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    workstation(execution).removeRepairMark();
    return "repair mark removed: the repair is complete";
  }
}
