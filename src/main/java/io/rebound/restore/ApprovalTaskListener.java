package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.config.ReboundGroups;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;

/**
 * Four eyes, enforced in the engine: whoever completes the approval must be authenticated, a member of
 * the approvers group, and not the person who requested the run. The decision is recorded in the audit
 * trail together with the hash of the plan that was shown.
 */
@Component
public class ApprovalTaskListener implements TaskListener {

  private final AuditTrail audit;
  private final RestoreRuns runs;

  public ApprovalTaskListener(AuditTrail audit, RestoreRuns runs) {
    this.audit = audit;
    this.runs = runs;
  }

  @Override
  public void notify(DelegateTask task) {
    if (!EVENTNAME_COMPLETE.equals(task.getEventName())) {
      return;
    }
    String processInstanceId = task.getProcessInstanceId();
    IdentityService identity = task.getProcessEngineServices().getIdentityService();
    Authentication authentication = identity.getCurrentAuthentication();
    String user = authentication == null ? null : authentication.getUserId();
    String initiator = audit.events(processInstanceId).stream()
        .filter(e -> e.type().equals(AuditEventType.REQUESTED.name()))
        .map(AuditEvent::actor).findFirst().orElse((String) task.getVariable(INITIATOR));
    String refusal = null;
    if (user == null) {
      refusal = "an approval must be given by an authenticated user";
    } else if (user.equals(initiator)) {
      refusal = "four eyes: " + user + " requested this run and cannot approve it";
    } else if (identity.createUserQuery().userId(user).memberOfGroup(ReboundGroups.APPROVERS).count() == 0) {
      refusal = user + " is not in the " + ReboundGroups.APPROVERS + " group";
    }
    Object approved = task.getVariable(APPROVED);
    if (refusal == null && !(approved instanceof Boolean)) {
      refusal = "approved must be true or false";
    }
    String planHash = runs.presentedPlanHash(processInstanceId).orElse(null);
    if (refusal == null && planHash != null && !planHash.equals(task.getVariable(PLAN_HASH))) {
      refusal = "the plan hash in the run does not match the plan that was presented";
    }
    if (refusal != null) {
      audit.record(processInstanceId, AuditEventType.APPROVAL_REFUSED, "approval", user, refusal, Map.of());
      throw new ApprovalRefusedException(refusal);
    }
    Object comment = task.getVariable(COMMENT);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("planHash", planHash);
    details.put("comment", comment == null ? "" : comment.toString());
    details.put("taskId", task.getId());
    boolean yes = (Boolean) approved;
    task.getExecution().setVariable(APPROVER, user);
    audit.record(processInstanceId, yes ? AuditEventType.APPROVED : AuditEventType.REJECTED, "approval", user,
        (yes ? "approved" : "rejected") + (comment == null || comment.toString().isBlank() ? "" : ": " + comment), details);
  }

  /** A completion of the approval that four-eyes or the approvers group forbids. */
  public static class ApprovalRefusedException extends RuntimeException {
    public ApprovalRefusedException(String message) {
      super(message);
    }
  }
}
