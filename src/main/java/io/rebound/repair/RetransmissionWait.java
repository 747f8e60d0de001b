package io.rebound.repair;

import static io.rebound.repair.WorkstationRepairProcess.Variables.MISSING;
import static io.rebound.repair.WorkstationRepairProcess.Variables.WAITING_SINCE;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;

/**
 * Waiting for replicas asked for again: asked once per gap, looked for again on the model's timer, and given
 * up after the workstation's {@code retransmission-give-up} with an incident that names what is missing.
 */
final class RetransmissionWait {

  private RetransmissionWait() {}

  /** Whether everything is there; otherwise asks for what is missing and records since when it waits. */
  static boolean complete(DelegateExecution execution, Workstation workstation, List<Gap> missing, Duration giveUp, Instant now) {
    if (missing.isEmpty()) {
      execution.removeVariable(WAITING_SINCE);
      execution.removeVariable(MISSING);
      return true;
    }
    Object since = execution.getVariable(WAITING_SINCE);
    Instant waitingSince = since == null ? now : Instant.parse(since.toString());
    if (Duration.between(waitingSince, now).compareTo(giveUp) >= 0) {
      throw new IllegalStateException("gave up waiting for the server to retransmit " + missing + " to workstation " + workstation.id()
          + " after " + giveUp + " (retransmission-give-up): have the server send them, then retry this step");
    }
    workstation.requestRetransmission(missing);
    execution.setVariable(WAITING_SINCE, waitingSince.toString());
    execution.setVariable(MISSING, missing.toString());
    return false;
  }
}
