package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** The QueOut replicas the server never received: their changes are in no QueIn replica, so they are applied from QueOut. */
@Component
class ApplyUnsentQueOutDelegate extends RepairStep {

  ApplyUnsentQueOutDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, run.guard(), workstations, run);
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.APPLY_UNSENT_QUE_OUT;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    Workstation workstation = workstation(execution);
    long sent = workstation.read().serverSentUpTo();
    return "applied " + workstation.applyUnsentQueOut(sent) + " QueOut replicas the server never received (after " + sent + ")";
  }
}
