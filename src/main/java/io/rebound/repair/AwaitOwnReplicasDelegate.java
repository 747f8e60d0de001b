package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import java.time.Instant;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Our own data comes back only through the common stream: QueIn must hold our own replicas up to what the
 * server says we sent before anything is applied. The stream is read on, and asked for again, until it does.
 */
@Component
class AwaitOwnReplicasDelegate extends RepairStep {

  AwaitOwnReplicasDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, run.guard(), workstations, run);
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.AWAIT_OWN_REPLICAS;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    Workstation workstation = workstation(execution);
    long sent = workstation.read().serverSentUpTo();
    List<Gap> missing = workstation.fetchOwnReplicas(sent);
    boolean complete = RetransmissionWait.complete(execution, workstation, missing, run.retransmissionGiveUp(execution), Instant.now());
    execution.setVariable(WorkstationRepairProcess.Variables.OWN_REPLICAS_COMPLETE, complete);
    return complete ? "QueIn holds our own replicas up to " + sent : null;
  }
}
