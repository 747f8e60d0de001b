package io.rebound.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.target.Targets;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/** The prod profile has no demo: no embedded target, no users with a known password. */
@SpringBootTest(properties = {"spring.datasource.url=jdbc:h2:mem:prod-profile;DB_CLOSE_DELAY=-1",
    // production starts only with an audit key of its own
    "rebound.audit.hmac-key=prod-profile-audit-key-0123456789"})
@ActiveProfiles("prod")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ProdProfileIT {

  @Autowired Targets targets;
  @Autowired IdentityService identity;

  @Test
  void shouldStartWithoutDemoTargetOrDemoUsers() {
    assertThat(targets.names()).doesNotContain("demo");
    assertThat(identity.createUserQuery().count()).isZero();
    assertThat(identity.createGroupQuery().groupIdIn("rebound-operators", "rebound-approvers", "camunda-admin").count()).isEqualTo(3);
  }
}
