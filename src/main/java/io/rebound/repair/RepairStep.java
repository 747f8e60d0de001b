package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.StepGuard;
import org.camunda.bpm.engine.delegate.DelegateExecution;

/** Base of the repair's step delegates: the run's workstation, read from its request. */
abstract class RepairStep extends AuditedStep {

  protected final Workstations workstations;
  protected final RepairRun run;

  /** A step that changes nothing of the workstation's data. */
  RepairStep(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit);
    this.workstations = workstations;
    this.run = run;
  }

  /** A step that changes the workstation: runs only as the approval (or the workstation's settings) allow. */
  RepairStep(AuditTrail audit, StepGuard guard, Workstations workstations, RepairRun run) {
    super(audit, guard);
    this.workstations = workstations;
    this.run = run;
  }

  protected Workstation workstation(DelegateExecution execution) {
    return workstations.get(run.request(execution).workstation());
  }
}
