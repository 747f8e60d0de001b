package io.rebound.testsupport;

import io.rebound.config.ReboundGroups;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;

/** Users of the integration tests, each with the groups a scenario needs. */
public final class TestUsers {

  public static final String PASSWORD = "Test-Password-1";
  public static final String OPERATOR = "op";
  public static final String APPROVER = "appr";
  /** In both groups: may start and approve, but never approve a run of their own. */
  public static final String BOTH = "both";
  /** Camunda administrator: retries failed steps. */
  public static final String ADMIN = "adm";
  /** Authenticated, in no Rebound group. */
  public static final String OUTSIDER = "outsider";

  private TestUsers() {}

  public static void create(IdentityService identity) {
    user(identity, OPERATOR, ReboundGroups.OPERATORS);
    user(identity, APPROVER, ReboundGroups.APPROVERS);
    user(identity, BOTH, ReboundGroups.OPERATORS, ReboundGroups.APPROVERS);
    user(identity, OUTSIDER);
    user(identity, ADMIN, ReboundGroups.ADMINS);
  }

  public static void user(IdentityService identity, String id, String... groups) {
    if (identity.createUserQuery().userId(id).count() == 0) {
      User user = identity.newUser(id);
      user.setPassword(PASSWORD);
      identity.saveUser(user);
    }
    for (String group : groups) {
      if (identity.createUserQuery().userId(id).memberOfGroup(group).count() == 0) {
        identity.createMembership(id, group);
      }
    }
  }
}
