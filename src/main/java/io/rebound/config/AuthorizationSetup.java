package io.rebound.config;

import static org.camunda.bpm.engine.authorization.Authorization.AUTH_TYPE_GRANT;

import io.rebound.runbook.Runbooks;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.ProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.identity.Group;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.core.annotation.Order;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Creates Rebound's groups and the authorizations they need, at every start and idempotently, so a new
 * engine database is usable at once and a changed one is brought back in line. Every registered runbook
 * gets the same grants.
 */
@Component
public class AuthorizationSetup {

  static final String APPROVALS_FILTER = "Rebound approvals";

  private final IdentityService identity;
  private final AuthorizationService authorizations;
  private final FilterService filters;
  private final TaskService tasks;
  private final Runbooks runbooks;

  public AuthorizationSetup(ProcessEngine engine, Runbooks runbooks) {
    this.runbooks = runbooks;
    this.identity = engine.getIdentityService();
    this.authorizations = engine.getAuthorizationService();
    this.filters = engine.getFilterService();
    this.tasks = engine.getTaskService();
  }

  @EventListener(ApplicationReadyEvent.class)
  @Order(0)
  public void setUp() {
    group(ReboundGroups.OPERATORS, "Rebound operators");
    group(ReboundGroups.APPROVERS, "Rebound approvers");
    group(ReboundGroups.ADMINS, "Camunda administrators");

    for (Resource resource : Resources.values()) {
      grant(ReboundGroups.ADMINS, resource, "*", Permissions.ALL);
    }

    grant(ReboundGroups.OPERATORS, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
    grant(ReboundGroups.OPERATORS, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
    grant(ReboundGroups.OPERATORS, Resources.PROCESS_INSTANCE, "*", ProcessInstancePermissions.CREATE, ProcessInstancePermissions.READ);
    // Tasklist filters are stored queries; they are not for everyone to write (the shared approvals filter is
    // there for approvers). Taken back from installations that granted it.
    takeBack(ReboundGroups.OPERATORS, Resources.FILTER, "*");
    grant(ReboundGroups.OPERATORS, Resources.DEPLOYMENT, "*", Permissions.READ);
    grant(ReboundGroups.APPROVERS, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
    takeBack(ReboundGroups.APPROVERS, Resources.FILTER, "*");
    grant(ReboundGroups.APPROVERS, Resources.DEPLOYMENT, "*", Permissions.READ);
    // Nobody works on tasks through the process definition: an approver gets READ and TASK_WORK on each
    // approval as its candidate (see RunbookEnginePlugin), so that the run's requester, who is refused that
    // one task, cannot reach it through a grant on the whole definition either.
    for (String runbook : runbooks.keys()) {
      grantExactly(ReboundGroups.OPERATORS, Resources.PROCESS_DEFINITION, runbook,
          ProcessDefinitionPermissions.READ, ProcessDefinitionPermissions.CREATE_INSTANCE,
          ProcessDefinitionPermissions.READ_INSTANCE, ProcessDefinitionPermissions.READ_HISTORY);
      grantExactly(ReboundGroups.APPROVERS, Resources.PROCESS_DEFINITION, runbook,
          ProcessDefinitionPermissions.READ, ProcessDefinitionPermissions.READ_INSTANCE, ProcessDefinitionPermissions.READ_HISTORY);
    }
    approvalsFilter();
  }

  private void group(String id, String name) {
    if (identity.createGroupQuery().groupId(id).count() == 0) {
      Group group = identity.newGroup(id);
      group.setName(name);
      group.setType("WORKFLOW");
      identity.saveGroup(group);
    }
  }

  private void grant(String group, Resource resource, String resourceId, Permission... permissions) {
    Authorization authorization = authorization(group, resource, resourceId);
    boolean missing = false;
    for (Permission permission : permissions) {
      if (!authorization.isPermissionGranted(permission)) {
        authorization.addPermission(permission);
        missing = true;
      }
    }
    if (missing) {
      authorizations.saveAuthorization(authorization);
    }
  }

  /** Takes back whatever the group was granted on the resource. */
  private void takeBack(String group, Resource resource, String resourceId) {
    authorizations.createAuthorizationQuery().authorizationType(AUTH_TYPE_GRANT).groupIdIn(group).resourceType(resource)
        .resourceId(resourceId).list().forEach(a -> authorizations.deleteAuthorization(a.getId()));
  }

  /** Grants these permissions and takes back any other the group holds on the resource. */
  private void grantExactly(String group, Resource resource, String resourceId, Permission... permissions) {
    Authorization authorization = authorization(group, resource, resourceId);
    Set<Permission> wanted = Set.of(permissions);
    Set<Permission> held = new HashSet<>(Arrays.asList(authorization.getPermissions(ProcessDefinitionPermissions.values())));
    held.removeIf(p -> p == ProcessDefinitionPermissions.NONE || p == ProcessDefinitionPermissions.ALL);
    if (authorization.getId() != null && held.equals(wanted)) {
      return;
    }
    authorization.setPermissions(permissions);
    authorizations.saveAuthorization(authorization);
  }

  private Authorization authorization(String group, Resource resource, String resourceId) {
    Authorization authorization = authorizations.createAuthorizationQuery()
        .authorizationType(AUTH_TYPE_GRANT).groupIdIn(group).resourceType(resource).resourceId(resourceId)
        .list().stream().findFirst().orElse(null);
    if (authorization == null) {
      authorization = authorizations.createNewAuthorization(AUTH_TYPE_GRANT);
      authorization.setGroupId(group);
      authorization.setResource(resource);
      authorization.setResourceId(resourceId);
    }
    return authorization;
  }

  /** A shared Tasklist filter showing the approvals waiting for the approvers group. */
  private void approvalsFilter() {
    Filter filter = filters.createFilterQuery().filterName(APPROVALS_FILTER).singleResult();
    if (filter == null) {
      filter = filters.newTaskFilter(APPROVALS_FILTER)
          .setOwner("rebound")
          .setQuery(tasks.createTaskQuery().taskCandidateGroup(ReboundGroups.APPROVERS).includeAssignedTasks());
      filters.saveFilter(filter);
    }
    grant(ReboundGroups.APPROVERS, Resources.FILTER, filter.getId(), Permissions.READ);
  }
}
