package io.rebound.repair;

import io.rebound.runbook.ApprovedPass;
import io.rebound.runbook.RunLedger;
import io.rebound.runbook.RunbookRequests;
import io.rebound.runbook.StepGuard;
import java.time.Duration;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * A repair run's request as the model and the steps read it ({@code ${repairRun.approvalRequired(execution)}}),
 * and the guard of its steps: under the standing approval, or, for a workstation configured without approval,
 * on its own.
 */
@Component("repairRun")
public class RepairRun {

  private final RunbookRequests requests;
  private final WorkstationRepairRunbook runbook;
  private final StepGuard approved;

  public RepairRun(RunbookRequests requests, WorkstationRepairRunbook runbook, ApprovedPass pass) {
    this.requests = requests;
    this.runbook = runbook;
    this.approved = pass.of(runbook);
  }

  public WorkstationRepairRequest request(DelegateExecution execution) {
    return requests.read(execution, runbook);
  }

  public boolean approvalRequired(DelegateExecution execution) {
    return request(execution).approvalRequired();
  }

  public String retransmissionWait(DelegateExecution execution) {
    return request(execution).retransmissionWait();
  }

  public Duration retransmissionGiveUp(DelegateExecution execution) {
    return Duration.parse(request(execution).retransmissionGiveUp());
  }

  /** The guard of the steps that change the workstation. */
  StepGuard guard() {
    return (execution, step) -> approvalRequired(execution) ? approved.authorise(execution, step)
        : new RunLedger.GivenApproval(0, "nobody: workstation " + request(execution).workstation() + " repairs without approval", "", "");
  }
}
