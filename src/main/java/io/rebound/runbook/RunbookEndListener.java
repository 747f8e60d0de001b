package io.rebound.runbook;

import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.identity.Authentication;

/**
 * Records how every run ended: the outcome its end event stands for, or CANCELLED when it was deleted
 * before reaching one, with the failure reason when there is one. A built-in listener of every runbook's
 * process, like {@link RunbookStartListener}.
 */
final class RunbookEndListener implements ExecutionListener {

  private final Runbook<?> runbook;
  private final AuditTrail audit;

  RunbookEndListener(Runbook<?> runbook, AuditTrail audit) {
    this.runbook = runbook;
    this.audit = audit;
  }

  @Override
  public void notify(DelegateExecution execution) {
    String endEvent = execution.getCurrentActivityId();
    RunOutcome outcome = execution.isCanceled() ? RunOutcome.CANCELLED : runbook.outcome(endEvent);
    Object reason = execution.getVariable(RunVariables.FAILURE_REASON);
    if (outcome == RunOutcome.EXPIRED) {
      audit.recordWithRun(execution.getProcessInstanceId(), AuditEventType.APPROVAL_EXPIRED, "approval", AuditedStep.ENGINE_ACTOR,
          "no decision within the approval timeout", Map.of());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("outcome", outcome.name());
    if (endEvent != null) {
      details.put("endEvent", endEvent);
    }
    boolean explained = reason != null && outcome != RunOutcome.COMPLETED && outcome != RunOutcome.COMPLETED_WITH_FAILURES;
    // In the end's transaction: an end the engine did not keep (an approval that won the race with the
    // timeout) is not in the trail either.
    audit.recordWithRun(execution.getProcessInstanceId(), AuditEventType.ENDED, "end", actor(execution, outcome),
        outcome.name() + (explained ? ": " + reason : ""), details);
  }

  /** A run that was deleted ends by someone's hand: theirs is the name on its end. */
  private static String actor(DelegateExecution execution, RunOutcome outcome) {
    Authentication authentication = execution.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
    return outcome == RunOutcome.CANCELLED && authentication != null && authentication.getUserId() != null
        ? authentication.getUserId() : AuditedStep.ENGINE_ACTOR;
  }
}
