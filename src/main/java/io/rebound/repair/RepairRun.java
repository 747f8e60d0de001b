package io.rebound.repair;

import io.rebound.runbook.ApprovedPass;
import io.rebound.runbook.RunbookRequests;
import io.rebound.runbook.StepGuard;
import java.time.Duration;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * A repair run's request as the model and the steps read it ({@code ${repairRun.approvalRequired(execution)}}),
 * and the guard of its steps: under the standing approval, or, for a workstation configured without approval,
 * once each in order from its request.
 */
@Component("repairRun")
public class RepairRun {

  private final RunbookRequests requests;
  private final WorkstationRepairRunbook runbook;
  private final StepGuard guard;

  public RepairRun(RunbookRequests requests, WorkstationRepairRunbook runbook, ApprovedPass pass) {
    this.requests = requests;
    this.runbook = runbook;
    this.guard = pass.of(runbook, WorkstationRepairRequest::approvalRequired);
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

  /**
   * The guard of the steps that change the workstation: one pass, each step once and in order, under the standing
   * approval or, for a workstation configured without approval, counted from the run's request. {@link RepairSteps}
   * builds its guarded steps by the same rule; this one answers a caller that asks the guard without running a step.
   */
  StepGuard guard() {
    return guard;
  }
}
