package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.Plans;
import io.rebound.runbook.RunVariables;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The first step after an approval: the workstation and the server are read again and the plan computed anew.
 * The approver judged figures read live (what the server says we read and it received, the queues, the marks)
 * that may have moved while the approval waited; a plan whose hash differs from the approved one would repair
 * by figures nobody approved, so the run is refused with what changed, and a new run diagnoses afresh. What
 * the hash leaves out, and why, is in {@link RepairPlan#NOT_APPROVED}.
 */
@Component
class RecheckRepairPlanDelegate extends RepairStep {

  private final WorkstationDiagnosis diagnosis;
  private final Plans plans;

  RecheckRepairPlanDelegate(AuditTrail audit, Workstations workstations, RepairRun run, WorkstationDiagnosis diagnosis, Plans plans) {
    super(audit, run.guard(), workstations, run);
    this.diagnosis = diagnosis;
    this.plans = plans;
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.RECHECK_PLAN;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    RepairPlan approved = plans.approved(execution, RepairPlan.class);
    Diagnosis now = diagnosis.again(workstation(execution), Boolean.TRUE.equals(approved.readings().get("repairMarked")));
    now.readings().forEach(log::fact);
    RepairPlan current = RepairPlan.of(now);
    if (!plans.recheck(execution, approved, current, step())) {
      return "plan unchanged since approval (" + approved.hash() + ")";
    }
    String reason = "refused after approval: the workstation or the server changed since the plan was approved, so the repair would not"
        + " be the one approved:\n" + approved.changesTo(current) + "Nothing was repaired; start a new repair, which diagnoses afresh.";
    // An engine text variable holds 4000 characters; the whole reason is in the audit trail.
    execution.setVariable(RunVariables.FAILURE_REASON, reason.length() <= 3800 ? reason : reason.substring(0, 3800) + "\n… (the whole list is in the audit trail)");
    return reason;
  }
}
