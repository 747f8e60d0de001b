package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** A repair rejected or expired before it changed anything: its mark goes, and the workstation replicates again as it was. */
@Component
class WithdrawRepairMarkDelegate extends RepairStep {

  WithdrawRepairMarkDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, workstations, run);
  }

  @Override
  protected String step() {
    return "withdraw-repair-mark";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    workstation(execution).removeRepairMark();
    return "repair mark removed; nothing was changed";
  }
}
