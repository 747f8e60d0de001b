package io.rebound.demo;

import io.rebound.testsupport.Webapp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rebound.config.ReboundGroups;
import io.rebound.config.StartRefusedException;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Someone tries the demo, then starts prod in the same working directory (the same
 * {@code rebound.data-directory}, both on their default H2 files): prod's engine database is not the demo's,
 * so the demo's users cannot log in and its runs are not there; and prod pointed at the demo's engine
 * database refuses to start.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoThenProdIT {

  static final String ADMIN = "chief";
  static final String ADMIN_PASSWORD = "Chief-Admin-Pw-42";
  static final Map<String, String> PROD_ADMIN = Map.of("rebound.admin.username", ADMIN, "rebound.admin.password", ADMIN_PASSWORD);

  @TempDir Path directory;

  @Test
  void shouldKeepTheDemosUsersAndRunsOutOfProd(CapturedOutput output) {
    Path data = directory.resolve("data");
    String demoRun;
    try (ConfigurableApplicationContext demo = Starts.start(data, Map.of("rebound.steps.poll-interval", "PT1S",
        "camunda.bpm.job-execution.wait-time-in-millis", "50", "camunda.bpm.job-execution.max-wait", "200"))) {
      assertThat(demo.getEnvironment().getActiveProfiles()).isEmpty();
      assertThat(output.getAll()).contains("Rebound is running with the DEMO profile");
      Http http = new Http(Starts.port(demo));
      Http.Answer started = http.post("/api/schema-restores", "operator", "demo",
          Map.of("target", DemoTarget.NAME, "profile", "winstore", "dumpFile", DemoTarget.DUMP_FILE));
      assertThat(started.status()).as(started.body()).isEqualTo(201);
      demoRun = started.json().get("id").asText();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> http.get("/api/recoveries/" + demoRun, "operator", "demo").json().get("state").asText().equals("WAITING_FOR_APPROVAL"));
    }
    assertThat(data.resolve("demo/rebound-engine.mv.db")).exists();
    assertThat(data.resolve("rebound-engine.mv.db")).doesNotExist();

    try (ConfigurableApplicationContext prod = Starts.start(data, PROD_ADMIN, "prod")) {
      Http http = new Http(Starts.port(prod));
      for (String demoUser : List.of("operator", "approver", "admin")) {
        assertThat(http.get("/api/recoveries", demoUser, "demo").status()).as(demoUser).isEqualTo(401);
      }
      Http.Answer runs = http.get("/api/recoveries", ADMIN, ADMIN_PASSWORD);
      assertThat(runs.status()).isEqualTo(200);
      assertThat(runs.json()).isEmpty();
      assertThat(http.get("/api/recoveries/" + demoRun, ADMIN, ADMIN_PASSWORD).status()).isEqualTo(404);
      assertThat(prod.getBean(HistoryService.class).createHistoricProcessInstanceQuery().count()).isZero();
      assertThat(prod.getBean(IdentityService.class).createUserQuery().list()).extracting(User::getId).containsExactly(ADMIN);
    }
    assertThat(data.resolve("rebound-engine.mv.db")).exists();
    assertThat(output.getAll()).contains("The engine database is H2");

    Map<String, String> onTheDemosDatabase = new HashMap<>(PROD_ADMIN);
    onTheDemosDatabase.put("spring.datasource.url", "jdbc:h2:file:" + data.resolve("demo/rebound-engine") + ";DB_CLOSE_ON_EXIT=FALSE");
    assertThatThrownBy(() -> Starts.start(data, onTheDemosDatabase, "prod"))
        .isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("holds the demo's users")
        .hasMessageContaining("operator").hasMessageContaining("approver").hasMessageContaining("admin");
  }

  @Test
  void shouldCloseTheSetupEndpointInTheDemoToo() {
    try (ConfigurableApplicationContext demo = Starts.start(directory.resolve("data"), Map.of())) {
      IdentityService identity = demo.getBean(IdentityService.class);
      // No administrator left: the state in which Camunda lets anyone create the first one.
      identity.deleteMembership("admin", ReboundGroups.ADMINS);

      Webapp anonymous = new Webapp(Starts.port(demo));
      Http.Answer refused = anonymous.createInitialUser(ProdProfileIT.SETUP, "intruder", "Intruder-Pw-1");
      assertThat(refused.status()).as(refused.body()).isEqualTo(403);
      assertThat(refused.body()).contains("from configuration");
      Webapp operator = new Webapp(Starts.port(demo));
      assertThat(operator.login("tasklist", "operator", "demo").status()).isEqualTo(200);
      assertThat(operator.createInitialUser(ProdProfileIT.SETUP, "intruder", "Intruder-Pw-1").status()).isEqualTo(403);

      assertThat(identity.createUserQuery().userId("intruder").count()).isZero();
      assertThat(identity.createUserQuery().memberOfGroup(ReboundGroups.ADMINS).count()).isZero();
    }
  }

  @Test
  void shouldRefuseTheUsersAnEarlierDemoLeftUnmarked() {
    // Before the demo marked its users, it shared prod's engine database file: such a database holds the demo's
    // users, known only by their names and the last name "(demo)".
    Path data = directory.resolve("data");
    try (ConfigurableApplicationContext prod = Starts.start(data, PROD_ADMIN, "prod")) {
      IdentityService identity = prod.getBean(IdentityService.class);
      User operator = identity.newUser("operator");
      operator.setLastName("(demo)");
      operator.setPassword("demo");
      identity.saveUser(operator);
      TestUsers.user(identity, "operator", ReboundGroups.OPERATORS);
    }

    assertThatThrownBy(() -> Starts.start(data, PROD_ADMIN, "prod"))
        .isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("holds the demo's users [operator]");
  }
}
