package io.rebound.runbook;

import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.config.ReboundGroups;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.variable.VariableMap;

/**
 * Four eyes on a runbook's approval task, enforced in the engine for every client: the task is never
 * assigned to, delegated to or owned by the person who requested the run, and whoever completes it must
 * be authenticated, in the approvers group and not that person. The decision is recorded in the audit
 * trail with the hash of the plan that was shown. A built-in listener of every approval task (see
 * {@link RunbookEnginePlugin}); that the requester does not even see the task is the authorization
 * provider's part ({@link RunbookAuthorizationProvider}).
 */
final class ApprovalTaskListener implements TaskListener {

  /** The longest task name the engine's table holds. */
  static final int NAME_LENGTH = 255;

  private final AuditTrail audit;
  private final ApprovalLedger ledger;
  private final Runbook<?> runbook;
  private final RunbookRequests requests;

  ApprovalTaskListener(AuditTrail audit, ApprovalLedger ledger, Runbook<?> runbook, RunbookRequests requests) {
    this.audit = audit;
    this.ledger = ledger;
    this.runbook = runbook;
    this.requests = requests;
  }

  @Override
  public void notify(DelegateTask task) {
    switch (task.getEventName()) {
      case EVENTNAME_CREATE -> name(runbook, task);
      case EVENTNAME_ASSIGNMENT, EVENTNAME_UPDATE -> refuseRequesterAsHolder(task);
      case EVENTNAME_COMPLETE -> decide(task);
      default -> { }
    }
  }

  /** Names the task after what is asked, so that a list of approvals reads without opening each. */
  private <R> void name(Runbook<R> runbook, DelegateTask task) {
    Optional<Approval<R>> approval = runbook.approval();
    if (approval.isEmpty()) {
      return;
    }
    String name = approval.get().name().apply(requests.read(task.getExecution(), runbook));
    if (name != null && !name.isBlank()) {
      task.setName(name.length() <= NAME_LENGTH ? name : name.substring(0, NAME_LENGTH - 1) + "…");
    }
  }

  private void refuseRequesterAsHolder(DelegateTask task) {
    RunLedger run = ledger.of(task.getProcessInstanceId());
    String requester = run.requester().orElse(null);
    String holder = requester != null && requester.equals(task.getAssignee()) ? "assigned to"
        : requester != null && requester.equals(task.getOwner()) ? "owned by" : null;
    if (holder != null) {
      refuse(task, currentUser(task), "four eyes: the approval cannot be " + holder + " " + requester + ", who requested this run");
    }
  }

  private void decide(DelegateTask task) {
    String processInstanceId = task.getProcessInstanceId();
    IdentityService identity = task.getProcessEngineServices().getIdentityService();
    String user = currentUser(task);
    RunLedger run = ledger.of(processInstanceId);
    String requester = run.requester().orElse(null);
    String refusal = null;
    if (user == null) {
      refusal = "an approval must be given by an authenticated user";
    } else if (requester == null) {
      refusal = "no requester is recorded for this run, so nobody can approve it";
    } else if (user.equals(requester)) {
      refusal = "four eyes: " + user + " requested this run and cannot approve it";
    } else if (identity.createUserQuery().userId(user).memberOfGroup(ReboundGroups.APPROVERS).count() == 0) {
      refusal = user + " is not in the " + ReboundGroups.APPROVERS + " group";
    } else {
      refusal = sharedControl(requester, user);
    }
    if (hasTransientVariables(task)) {
      String why = "the approval takes only " + Approval.DECISION + ", not transient variables";
      audit.recordRefusal(processInstanceId, "approval", user, why, Map.of("taskId", task.getId()));
      throw new RunbookGuardException(why);
    }
    Object approved = task.getVariable(Approval.APPROVED);
    if (refusal == null && !(approved instanceof Boolean)) {
      refusal = "approved must be true or false";
    }
    String planHash = run.presentedPlanHash().orElse(null);
    if (refusal == null && planHash != null && !planHash.equals(task.getVariable(Plans.PLAN_HASH))) {
      refusal = "the plan hash in the run does not match the plan that was presented";
    }
    if (refusal != null) {
      refuse(task, user, refusal);
    }
    Object comment = task.getVariable(Approval.COMMENT);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("planHash", planHash);
    details.put("comment", comment == null ? "" : comment.toString());
    details.put("taskId", task.getId());
    details.put("passwordsLastSet", Map.of(requester, passwordHistory(requester), user, passwordHistory(user)));
    boolean yes = (Boolean) approved;
    task.getExecution().setVariable(RunVariables.APPROVER, user);
    // In the completion's transaction: of two decisions at once, the trail keeps the one the engine kept.
    audit.recordWithRun(processInstanceId, yes ? AuditEventType.APPROVED : AuditEventType.REJECTED, "approval", user,
        (yes ? "approved" : "rejected") + (comment == null || comment.toString().isBlank() ? "" : ": " + comment), details);
  }

  /**
   * Whether one person could act as both requester and approver, because they hold the password of one of
   * the two accounts: the requester set the approver's, the approver the requester's, or a third person
   * both. Whoever last set an account's password, other than its owner, holds it still: a change "by the
   * owner" afterwards may have been made by them with the password they set. A refusal, or null.
   */
  private String sharedControl(String requester, String approver) {
    Optional<String> approversSetBy = passwordSetByAnother(approver);
    Optional<String> requestersSetBy = passwordSetByAnother(requester);
    if (approversSetBy.filter(requester::equals).isPresent()) {
      return "four eyes: the password of " + approver + " was last set by " + requester + ", who requested this run; " + approver
          + " must set a password of their own before approving it";
    }
    if (requestersSetBy.filter(approver::equals).isPresent()) {
      return "four eyes: the password of " + requester + ", who requested this run, was last set by " + approver
          + "; someone else must approve it";
    }
    if (approversSetBy.isPresent() && approversSetBy.equals(requestersSetBy)) {
      return "four eyes: the passwords of " + requester + " (who requested this run) and of " + approver + " were both last set by "
          + approversSetBy.get() + ", who could act as either; one of them must set a password of their own first";
    }
    return null;
  }

  /**
   * Who other than the user last set their password, as the audit trail recorded it: nobody when only the
   * user did, or Rebound itself at a start (demo users, the configured administrator).
   */
  private Optional<String> passwordSetByAnother(String user) {
    return audit.outsideRuns(AuditEventType.IDENTITY_CHANGED, IdentityChangeRecorder.passwordStep(user)).stream()
        .map(AuditEvent::actor).filter(setter -> !setter.equals(user)).findFirst()
        .filter(setter -> !setter.equals(AuditedStep.ENGINE_ACTOR));
  }

  private String passwordHistory(String user) {
    return audit.latestOutsideRuns(AuditEventType.IDENTITY_CHANGED, IdentityChangeRecorder.passwordStep(user))
        .map(event -> "last set by " + event.actor() + " at " + event.at()).orElse("no change recorded");
  }

  /** Transient variables leave no trace once the transaction ends; the decision must be one that does. */
  private static boolean hasTransientVariables(DelegateTask task) {
    return hasTransient(task.getExecution().getVariablesTyped(false)) || hasTransient(task.getVariablesLocalTyped(false));
  }

  private static boolean hasTransient(VariableMap variables) {
    return variables.keySet().stream().anyMatch(name -> variables.getValueTyped(name).isTransient());
  }

  private void refuse(DelegateTask task, String user, String refusal) {
    audit.recordRefusal(task.getProcessInstanceId(), "approval", user, refusal, Map.of("taskId", task.getId()));
    throw new ApprovalRefusedException(refusal);
  }

  private static String currentUser(DelegateTask task) {
    Authentication authentication = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
    return authentication == null ? null : authentication.getUserId();
  }
}
