package io.rebound.demo;

import io.rebound.config.ReboundGroups;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** The demo's users: {@code operator}, {@code approver} and {@code admin}, password from REBOUND_DEMO_PASSWORD. */
@Component
@Profile("demo")
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
    USERS.forEach((id, group) -> {
      if (identity.createUserQuery().userId(id).count() == 0) {
        User user = identity.newUser(id);
        user.setFirstName(Character.toUpperCase(id.charAt(0)) + id.substring(1));
        user.setLastName("(demo)");
        user.setPassword(password);
        identity.saveUser(user);
      }
      if (identity.createUserQuery().userId(id).memberOfGroup(group).count() == 0) {
        identity.createMembership(id, group);
      }
    });
  }
}
