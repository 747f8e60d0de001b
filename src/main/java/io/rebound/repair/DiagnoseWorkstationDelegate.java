package io.rebound.repair;

import static io.rebound.repair.WorkstationRepairProcess.Variables.NEEDS_REPAIR;
import static io.rebound.repair.WorkstationRepairProcess.Variables.REASONS;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.Plans;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** Diagnose: reads every number and lets the decision table say whether a repair is needed, and why. */
@Component
class DiagnoseWorkstationDelegate extends RepairStep {

  private final WorkstationDiagnosis diagnosis;
  private final Plans plans;

  DiagnoseWorkstationDelegate(AuditTrail audit, Workstations workstations, RepairRun run, WorkstationDiagnosis diagnosis, Plans plans) {
    super(audit, workstations, run);
    this.diagnosis = diagnosis;
    this.plans = plans;
  }

  @Override
  protected String step() {
    return "diagnose";
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    Diagnosis found = diagnosis.diagnose(workstation(execution));
    found.readings().forEach(log::fact);
    execution.setVariable(NEEDS_REPAIR, found.needsRepair());
    execution.setVariable(REASONS, String.join(", ", found.reasons().stream().map(Diagnosis.Reason::code).toList()));
    if (!found.needsRepair()) {
      return "no repair needed: queues, working directory, marks and server agree";
    }
    plans.present(execution, RepairPlan.of(found), step());
    return "repair needed: " + found.reasons().stream().map(Diagnosis.Reason::code).toList();
  }
}
