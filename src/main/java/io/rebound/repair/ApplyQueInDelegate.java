package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.ShutdownSignal;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * QueIn applied from the applied mark to its end, each replica in one transaction with the mark. A stop of
 * the application ends it between two replicas, so the stop does not wait for the whole queue.
 */
@Component
class ApplyQueInDelegate extends RepairStep {

  private final ShutdownSignal shutdown;

  ApplyQueInDelegate(AuditTrail audit, Workstations workstations, RepairRun run, ShutdownSignal shutdown) {
    super(audit, run.guard(), workstations, run);
    this.shutdown = shutdown;
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.APPLY_QUE_IN;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    Workstation workstation = workstation(execution);
    long applied = workstation.applyQueIn(shutdown::stopping);
    WorkstationReadings after = workstation.read();
    if (after.queInApplied() < after.queInLast()) {
      // The application is stopping: the step fails unfinished, and the next start (or another node) goes on from the mark.
      throw new IllegalStateException("stopped by the application's shutdown after applying " + applied + " replicas, QueIn applied up to "
          + after.queInApplied() + " of " + after.queInLast() + "; applying goes on from there");
    }
    return "applied " + applied + " QueIn replicas; applied up to " + after.queInApplied() + " of " + after.queInLast();
  }
}
