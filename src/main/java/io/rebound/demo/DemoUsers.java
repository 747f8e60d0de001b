package io.rebound.demo;

import io.rebound.config.ReboundGroups;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The demo's users: {@code operator}, {@code approver} and {@code admin}, password from REBOUND_DEMO_PASSWORD.
 * Each is a member of {@link ReboundGroups#DEMO} too, so that the prod profile recognises a demo database and
 * refuses it.
 */
@Component
// Never with prod, even when both are named: the prod profile then refuses to start, and no demo part runs first.
@Profile("demo & !prod")
public class DemoUsers {

  private static final Map<String, String> USERS = Map.of(
      "operator", ReboundGroups.OPERATORS,
      "approver", ReboundGroups.APPROVERS,
      "admin", ReboundGroups.ADMINS);

  private final IdentityService identity;
  private final String password;

  public DemoUsers(IdentityService identity, @Value("${rebound.demo.password:demo}") String password) {
    this.identity = identity;
    this.password = password;
  }

  @EventListener(ApplicationReadyEvent.class)
  @Order(1)
  public void createUsers() {
    if (identity.createGroupQuery().groupId(ReboundGroups.DEMO).count() == 0) {
      Group group = identity.newGroup(ReboundGroups.DEMO);
      group.setName("Demo users (known passwords)");
      group.setType("DEMO");
      identity.saveGroup(group);
    }
    USERS.forEach((id, group) -> {
      if (identity.createUserQuery().userId(id).count() == 0) {
        User user = identity.newUser(id);
        user.setFirstName(Character.toUpperCase(id.charAt(0)) + id.substring(1));
        user.setLastName("(demo)");
        user.setPassword(password);
        identity.saveUser(user);
      }
      member(id, ReboundGroups.DEMO);
      member(id, group);
    });
  }

  private void member(String user, String group) {
    if (identity.createUserQuery().userId(user).memberOfGroup(group).count() == 0) {
      identity.createMembership(user, group);
    }
  }
}
