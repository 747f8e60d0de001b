package io.rebound.runbook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.impl.cfg.auth.DefaultAuthorizationProvider;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.AuthorizationEntity;
import org.camunda.bpm.engine.task.Task;

/**
 * Camunda's default task authorizations, plus one: when an approval task is offered to its candidate
 * group, the person who requested the run gets a REVOKE of every permission on that task. A user's own
 * authorization outranks their groups', so the requester neither sees nor claims the approval of their
 * own run, even as a member of the approvers group or an administrator. (Completing it is refused in any
 * case by {@link ApprovalTaskListener}.)
 */
final class RunbookAuthorizationProvider extends DefaultAuthorizationProvider {

  private final Runbooks runbooks;
  private final ApprovalLedger ledger;

  RunbookAuthorizationProvider(Runbooks runbooks, ApprovalLedger ledger) {
    this.runbooks = runbooks;
    this.ledger = ledger;
  }

  @Override
  public AuthorizationEntity[] newTaskGroupIdentityLink(Task task, String groupId, String type) {
    AuthorizationEntity[] granted = super.newTaskGroupIdentityLink(task, groupId, type);
    if (task.getProcessInstanceId() == null || runbooks.withApprovalTask(task.getTaskDefinitionKey()).isEmpty()) {
      return granted;
    }
    String requester = ledger.of(task.getProcessInstanceId()).requester().orElse(null);
    if (requester == null || revoked(requester, task.getId())) {
      return granted;
    }
    List<AuthorizationEntity> all = new ArrayList<>(granted == null ? List.of() : Arrays.asList(granted));
    AuthorizationEntity revoke = new AuthorizationEntity(Authorization.AUTH_TYPE_REVOKE);
    revoke.setUserId(requester);
    revoke.setResource(Resources.TASK);
    revoke.setResourceId(task.getId());
    revoke.removePermission(Permissions.ALL);
    all.add(revoke);
    return all.toArray(AuthorizationEntity[]::new);
  }

  /** Whether the requester already has the REVOKE on this task (a second candidate group added later). */
  private static boolean revoked(String requester, String taskId) {
    return Context.getCommandContext().getAuthorizationManager()
        .findAuthorizationByUserIdAndResourceId(Authorization.AUTH_TYPE_REVOKE, requester, Resources.TASK, taskId) != null;
  }
}
