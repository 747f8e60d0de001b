package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.runbook.IdentityChangeRecorder.Change;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.impl.cmd.CreateMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteAuthorizationCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteGroupCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteUserCmd;
import org.camunda.bpm.engine.impl.cmd.GetUserPictureCmd;
import org.camunda.bpm.engine.impl.cmd.SaveAuthorizationCmd;
import org.camunda.bpm.engine.impl.cmd.SaveGroupCmd;
import org.camunda.bpm.engine.impl.cmd.SaveUserCmd;
import org.camunda.bpm.engine.impl.cmd.UnlockUserCmd;
import org.camunda.bpm.engine.impl.persistence.entity.AuthorizationEntity;
import org.camunda.bpm.engine.impl.persistence.entity.GroupEntity;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.junit.jupiter.api.Test;

/** What each identity command is recorded as, read from the engine's commands themselves. */
class IdentityChangeRecorderTest {

  @Test
  void shouldRecordAPasswordSetAndNotAProfileSaved() {
    UserEntity withPassword = new UserEntity("appr");
    withPassword.setPassword("New-Password-1");
    Change change = IdentityChangeRecorder.change(new SaveUserCmd(withPassword));
    assertThat(change.step()).isEqualTo(IdentityChangeRecorder.passwordStep("appr")).isEqualTo("password of appr");
    assertThat(change.outcome()).isEqualTo("password of appr set").doesNotContain("New-Password-1");
    assertThat(change.details()).containsEntry("user", "appr");

    assertThat(IdentityChangeRecorder.change(new SaveUserCmd(new UserEntity("appr")))).isNull();
  }

  @Test
  void shouldRecordUsersGroupsAndMemberships() {
    assertThat(IdentityChangeRecorder.change(new DeleteUserCmd("op"))).isEqualTo(change("user op", "user op deleted", "user", "op"));
    assertThat(IdentityChangeRecorder.change(new UnlockUserCmd("op"))).isEqualTo(change("user op", "user op unlocked", "user", "op"));
    assertThat(IdentityChangeRecorder.change(new DeleteGroupCmd("g"))).isEqualTo(change("group g", "group g deleted", "group", "g"));
    assertThat(IdentityChangeRecorder.change(new SaveGroupCmd(new GroupEntity("g")))).isEqualTo(change("group g", "group g saved", "group", "g"));

    Change added = IdentityChangeRecorder.change(new CreateMembershipCmd("op", "rebound-approvers"));
    assertThat(added.step()).isEqualTo("membership of op");
    assertThat(added.outcome()).isEqualTo("op added to rebound-approvers");
    assertThat(added.details()).containsEntry("user", "op").containsEntry("group", "rebound-approvers");
    assertThat(IdentityChangeRecorder.change(new DeleteMembershipCmd("op", "rebound-approvers")).outcome())
        .isEqualTo("op removed from rebound-approvers");
  }

  @Test
  void shouldRecordAuthorizationsGrantedChangedAndDeleted() {
    AuthorizationEntity forUser = new AuthorizationEntity(Authorization.AUTH_TYPE_GRANT);
    forUser.setUserId("op");
    forUser.setResource(Resources.TASK);
    forUser.setResourceId("t1");
    Change created = IdentityChangeRecorder.change(new SaveAuthorizationCmd(forUser));
    assertThat(created.step()).isEqualTo("authorization");
    assertThat(created.outcome()).isEqualTo("authorization created for user op");
    assertThat(created.details()).containsEntry("resourceType", Resources.TASK.resourceType()).containsEntry("resourceId", "t1")
        .containsEntry("user", "op").containsEntry("authorizationType", Authorization.AUTH_TYPE_GRANT);

    AuthorizationEntity forGroup = new AuthorizationEntity(Authorization.AUTH_TYPE_REVOKE);
    forGroup.setId("a1");
    forGroup.setGroupId("g");
    forGroup.setResource(Resources.TASK);
    assertThat(IdentityChangeRecorder.change(new SaveAuthorizationCmd(forGroup)).outcome()).isEqualTo("authorization changed for group g");
    assertThat(IdentityChangeRecorder.change(new DeleteAuthorizationCmd("a1")))
        .isEqualTo(change("authorization", "authorization a1 deleted", "authorization", "a1"));
  }

  @Test
  void shouldRecordNothingForCommandsThatChangeNoIdentity() {
    assertThat(IdentityChangeRecorder.change(new GetUserPictureCmd("op"))).isNull();
  }

  private static Change change(String step, String outcome, String key, String value) {
    java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
    details.put(key, value);
    return new Change(step, outcome, details);
  }
}
