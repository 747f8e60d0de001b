package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** After our own replicas were applied the generators are behind: each moves past the highest key it made. */
@Component
class RepairGeneratorsDelegate extends RepairStep {

  RepairGeneratorsDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, run.guard(), workstations, run);
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.REPAIR_GENERATORS;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    List<String> moved = workstation(execution).repairGenerators();
    moved.forEach(line -> log.ran("setval", line));
    return moved.isEmpty() ? "every generator was already past its keys" : "moved " + moved.size() + " generators";
  }
}
