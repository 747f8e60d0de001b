package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The sent mark moved up to what the server received when it lags, and the audit marks to the state after
 * the repair. The applied mark needs nothing: applying QueIn moved it.
 */
@Component
class RepairMarksDelegate extends RepairStep {

  RepairMarksDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, run.guard(), workstations, run);
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.REPAIR_MARKS;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    Workstation workstation = workstation(execution);
    return workstation.repairMarks(workstation.read().serverSentUpTo());
  }
}
