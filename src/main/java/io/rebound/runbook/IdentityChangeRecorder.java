package io.rebound.runbook;

import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cmd.CreateMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteAuthorizationCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteGroupCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteUserCmd;
import org.camunda.bpm.engine.impl.cmd.SaveAuthorizationCmd;
import org.camunda.bpm.engine.impl.cmd.SaveGroupCmd;
import org.camunda.bpm.engine.impl.cmd.SaveUserCmd;
import org.camunda.bpm.engine.impl.cmd.UnlockUserCmd;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;

/**
 * Writes every change to who may act, and as whom, to the audit trail once it has taken effect: a user's
 * password set, a user deleted or unlocked, a group saved or deleted (with the memberships it took away), a
 * group membership or an authorization granted or taken away, with who did it. An administrator may administer, but not unseen; and the approval reads who last set an approver's
 * password (see {@link ApprovalTaskListener}).
 */
final class IdentityChangeRecorder extends CommandInterceptor {

  /** The audit step of a user's password changes. */
  static String passwordStep(String userId) {
    return "password of " + userId;
  }

  private final AuditTrail audit;
  private final Supplier<IdentityService> identity;

  IdentityChangeRecorder(AuditTrail audit, Supplier<IdentityService> identity) {
    this.audit = audit;
    this.identity = identity;
  }

  /** What a command changes: the audit step, the outcome and the details; null for commands that change no identity. */
  record Change(String step, String outcome, Map<String, Object> details) {}

  @Override
  public <T> T execute(Command<T> command) {
    Change change = change(command);
    if (command instanceof DeleteGroupCmd) {
      // Deleting a group takes its memberships away with it: who they were is read before they are gone.
      String groupId = field(command, "groupId", String.class);
      List<String> members = identity.get().createUserQuery().memberOfGroup(groupId).list().stream().map(User::getId).sorted().toList();
      change.details().put("members", members);
      change = new Change(change.step(), change.outcome() + (members.isEmpty() ? "" : "; memberships taken away: " + members), change.details());
    }
    T result = next.execute(command);
    if (change != null) {
      Authentication authentication = identity.get().getCurrentAuthentication();
      String actor = authentication == null || authentication.getUserId() == null ? AuditedStep.ENGINE_ACTOR : authentication.getUserId();
      audit.record(null, AuditEventType.IDENTITY_CHANGED, change.step(), actor, change.outcome(), change.details());
    }
    return result;
  }

  static Change change(Command<?> command) {
    if (command instanceof SaveUserCmd) {
      User user = field(command, "user", User.class);
      if (user instanceof UserEntity entity && entity.hasNewPassword()) {
        return new Change(passwordStep(user.getId()), "password of " + user.getId() + " set", details("user", user.getId()));
      }
      return null;
    }
    if (command instanceof DeleteUserCmd) {
      String userId = field(command, "userId", String.class);
      return new Change("user " + userId, "user " + userId + " deleted", details("user", userId));
    }
    if (command instanceof CreateMembershipCmd || command instanceof DeleteMembershipCmd) {
      String userId = field(command, "userId", String.class);
      String groupId = field(command, "groupId", String.class);
      boolean added = command instanceof CreateMembershipCmd;
      Map<String, Object> details = details("user", userId);
      details.put("group", groupId);
      return new Change("membership of " + userId, userId + (added ? " added to " : " removed from ") + groupId, details);
    }
    if (command instanceof DeleteGroupCmd) {
      String groupId = field(command, "groupId", String.class);
      return new Change("group " + groupId, "group " + groupId + " deleted", details("group", groupId));
    }
    if (command instanceof SaveGroupCmd) {
      Group group = field(command, "group", Group.class);
      return new Change("group " + group.getId(), "group " + group.getId() + " saved", details("group", group.getId()));
    }
    if (command instanceof UnlockUserCmd) {
      String userId = field(command, "userId", String.class);
      return new Change("user " + userId, "user " + userId + " unlocked", details("user", userId));
    }
    if (command instanceof SaveAuthorizationCmd) {
      Authorization authorization = field(command, "authorization", Authorization.class);
      Map<String, Object> details = details("resourceType", authorization.getResourceType());
      details.put("resourceId", authorization.getResourceId());
      details.put("user", authorization.getUserId());
      details.put("group", authorization.getGroupId());
      details.put("authorizationType", authorization.getAuthorizationType());
      return new Change("authorization", "authorization " + (authorization.getId() == null ? "created" : "changed") + " for "
          + (authorization.getUserId() != null ? "user " + authorization.getUserId() : "group " + authorization.getGroupId()), details);
    }
    if (command instanceof DeleteAuthorizationCmd) {
      String authorizationId = field(command, "authorizationId", String.class);
      return new Change("authorization", "authorization " + authorizationId + " deleted", details("authorization", authorizationId));
    }
    return null;
  }

  private static Map<String, Object> details(String key, Object value) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put(key, value);
    return details;
  }

  /** A field of one of the engine's commands, which have no getters; checked by the tests of every kind of change. */
  private static <V> V field(Object command, String name, Class<V> type) {
    for (Class<?> declaring = command.getClass(); declaring != null; declaring = declaring.getSuperclass()) {
      try {
        Field field = declaring.getDeclaredField(name);
        field.setAccessible(true);
        return type.cast(field.get(command));
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot read " + name + " of " + command.getClass().getSimpleName(), e);
      }
    }
    throw new IllegalStateException(command.getClass().getSimpleName() + " has no field " + name + ": the engine changed");
  }
}
