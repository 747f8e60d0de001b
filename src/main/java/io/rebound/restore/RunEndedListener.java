package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.FAILURE_REASON;

import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.runbook.AuditedStep;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/** Records how a run ended, on each end event. */
@Component
public class RunEndedListener implements ExecutionListener {

  private final AuditTrail audit;

  public RunEndedListener(AuditTrail audit) {
    this.audit = audit;
  }

  @Override
  public void notify(DelegateExecution execution) {
    String endEvent = execution.getCurrentActivityId();
    String outcome = RunOutcome.ofEndEvent(endEvent).name();
    Object reason = execution.getVariable(FAILURE_REASON);
    if (SchemaRestoreProcess.Elements.END_EXPIRED.equals(endEvent)) {
      audit.record(execution.getProcessInstanceId(), AuditEventType.APPROVAL_EXPIRED, "approval", AuditedStep.ENGINE_ACTOR,
          "no decision within the approval timeout", Map.of());
    }
    audit.record(execution.getProcessInstanceId(), AuditEventType.ENDED, "end", AuditedStep.ENGINE_ACTOR,
        outcome + (reason == null || outcome.equals("COMPLETED") ? "" : ": " + reason), Map.of("endEvent", endEvent));
  }
}
