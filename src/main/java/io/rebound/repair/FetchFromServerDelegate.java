package io.rebound.repair;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.StepLog;
import java.time.Instant;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Where a queue is still behind what the server says we read or sent, the missing replicas come from the
 * server; those it no longer offers are asked for again, and the model's timer brings the run back here.
 */
@Component
class FetchFromServerDelegate extends RepairStep {

  FetchFromServerDelegate(AuditTrail audit, Workstations workstations, RepairRun run) {
    super(audit, run.guard(), workstations, run);
  }

  @Override
  protected String step() {
    return WorkstationRepairRunbook.FETCH_FROM_SERVER;
  }

  @Override
  protected String run(DelegateExecution execution, StepLog log) {
    Workstation workstation = workstation(execution);
    WorkstationReadings readings = workstation.read();
    List<Gap> missing = workstation.fetchFromServer(readings.serverReadUpTo(), readings.serverSentUpTo());
    log.fact("serverReadUpTo", readings.serverReadUpTo());
    log.fact("serverSentUpTo", readings.serverSentUpTo());
    boolean complete = RetransmissionWait.complete(execution, workstation, missing, run.retransmissionGiveUp(execution), Instant.now());
    execution.setVariable(WorkstationRepairProcess.Variables.SERVER_REPLICAS_COMPLETE, complete);
    // While it waits the step has not finished: it runs again, under the same approval, when the timer fires.
    return complete ? "QueIn holds the common stream up to " + readings.serverReadUpTo() + ", QueOut our replicas up to "
        + readings.serverSentUpTo() : null;
  }
}
