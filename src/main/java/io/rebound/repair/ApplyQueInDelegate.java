package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** QueIn applied from the applied mark to its end, each replica in one transaction with the mark. */
@Component
class ApplyQueInDelegate extends RepairStep {

  ApplyQueInDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, run.guard(), workstations, run);
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.APPLY_QUE_IN;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    Workstation workstation = workstation(execution);
    long applied = workstation.applyQueIn();
    WorkstationReadings after = workstation.read();
    return "applied " + applied + " QueIn replicas; applied up to " + after.queInApplied() + " of " + after.queInLast();
  }
}
