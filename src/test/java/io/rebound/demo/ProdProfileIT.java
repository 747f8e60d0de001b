package io.rebound.demo;

import io.rebound.testsupport.Webapp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rebound.config.ReboundGroups;
import io.rebound.config.StartRefusedException;
import io.rebound.target.Targets;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The prod profile's first start: no demo target, no demo users, no administrator created over HTTP; the
 * first administrator comes from {@code rebound.admin.*} or the start is refused. Each test has a fresh engine
 * database on a real PostgreSQL.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProdProfileIT {

  static final String ADMIN = "chief";
  static final String ADMIN_PASSWORD = "Chief-Admin-Pw-42";
  static final String SETUP = "/camunda/api/admin/setup/default/user/create";

  static EmbeddedPostgres postgres;
  static int databases;

  @TempDir Path directory;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    postgres.close();
  }

  @Test
  void shouldRefuseAFreshStartWithoutAnAdministrator(CapturedOutput output) throws SQLException {
    String engine = freshDatabase();

    assertThatThrownBy(() -> prod(engine, Map.of()))
        .isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("no administrator")
        .hasMessageContaining("rebound.admin.username")
        .hasMessageContaining("rebound.admin.password-file");
    assertThat(output.getAll()).contains("Rebound refuses to start with the prod profile");
  }

  @Test
  void shouldRefuseAnAdministratorWithoutPassword() throws SQLException {
    String engine = freshDatabase();

    assertThatThrownBy(() -> prod(engine, Map.of("rebound.admin.username", ADMIN)))
        .isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("without a password");
    assertThatThrownBy(() -> prod(engine, Map.of("rebound.admin.username", ADMIN,
        "rebound.admin.password-file", directory.resolve("missing").toString())))
        .isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("cannot be read");
  }

  @Test
  void shouldCreateTheConfiguredAdministratorAndNeverOneOverHttp(CapturedOutput output) throws Exception {
    String engine = freshDatabase();
    Path secret = Files.writeString(directory.resolve("rebound-admin"), ADMIN_PASSWORD + "\n");
    Map<String, String> admin = Map.of("rebound.admin.username", ADMIN, "rebound.admin.password-file", secret.toString());

    try (ConfigurableApplicationContext context = prod(engine, admin)) {
      Http http = new Http(port(context));
      assertThat(http.get("/engine-rest/user", ADMIN, ADMIN_PASSWORD).status()).isEqualTo(200);
      assertThat(http.get("/api/recoveries", ADMIN, ADMIN_PASSWORD).status()).isEqualTo(200);
      assertThat(context.getBean(Targets.class).names()).doesNotContain(DemoTarget.NAME);
      IdentityService identity = context.getBean(IdentityService.class);
      assertThat(identity.createUserQuery().list()).extracting("id").containsExactly(ADMIN);

      // No administrator left: the state in which Camunda lets anyone create the first one.
      identity.deleteMembership(ADMIN, ReboundGroups.ADMINS);
      Webapp anonymous = new Webapp(port(context));
      for (String path : List.of(SETUP, SETUP + ";jsessionid=1", "/camunda/api/admin//setup/default/user/create",
          "/camunda/api/admin/./setup/default/user/create", "/camunda/api/admin/auth/../setup/default/user/create",
          "/camunda/api/admin/%73etup/default/user/create", "/camunda/api/admin/setup/default/user/create/")) {
        Http.Answer answer = anonymous.createInitialUser(path, "intruder", "Intruder-Pw-1");
        assertThat(answer.status()).as(path + ": " + answer.body()).isIn(400, 403, 404);
      }
      assertThat(anonymous.createInitialUser(SETUP, "intruder", "Intruder-Pw-1").body()).contains("from configuration");
      TestUsers.user(identity, TestUsers.OPERATOR, ReboundGroups.OPERATORS);
      Webapp loggedIn = new Webapp(port(context));
      assertThat(loggedIn.login("tasklist", TestUsers.OPERATOR, TestUsers.PASSWORD).status()).isEqualTo(200);
      assertThat(loggedIn.createInitialUser(SETUP, "intruder", "Intruder-Pw-1").status()).isEqualTo(403);
      assertThat(identity.createUserQuery().userId("intruder").count()).isZero();
      assertThat(identity.createUserQuery().memberOfGroup(ReboundGroups.ADMINS).count()).isZero();
      assertThat(http.get("/api/recoveries", ADMIN, "wrong").status()).isEqualTo(401);
    }
    assertThat(output.getAll()).contains("Administrator 'chief' created").doesNotContain(ADMIN_PASSWORD)
        .doesNotContain("The engine database is H2");

    // Without an administrator and without rebound.admin.*, the next start is refused; with it, it is put back.
    assertThatThrownBy(() -> prod(engine, Map.of())).isInstanceOf(StartRefusedException.class);
    try (ConfigurableApplicationContext context = prod(engine, admin)) {
      Http http = new Http(port(context));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
          .until(() -> http.get("/engine-rest/group?member=" + ADMIN, ADMIN, ADMIN_PASSWORD).body().contains(ReboundGroups.ADMINS));
    }

    // The configured password is authoritative: a new one replaces the old at the next start.
    Map<String, String> rotated = Map.of("rebound.admin.username", ADMIN, "rebound.admin.password", "Chief-Rotated-Pw-43");
    try (ConfigurableApplicationContext context = prod(engine, rotated)) {
      Http http = new Http(port(context));
      assertThat(http.get("/api/recoveries", ADMIN, "Chief-Rotated-Pw-43").status()).isEqualTo(200);
      assertThat(http.get("/api/recoveries", ADMIN, ADMIN_PASSWORD).status()).isEqualTo(401);
    }
    assertThat(output.getAll()).contains("Password of administrator 'chief' set again").doesNotContain("Chief-Rotated-Pw-43");

    // Once there is an administrator, rebound.admin.* may go.
    try (ConfigurableApplicationContext context = prod(engine, Map.of())) {
      // A failed login delays the next for a few seconds (Camunda's login throttling); the old password just failed.
      Http http = new Http(port(context));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
          .until(() -> http.get("/api/recoveries", ADMIN, "Chief-Rotated-Pw-43").status() == 200);
    }
  }

  @Test
  void shouldWarnLoudlyOnAnH2EngineDatabase(CapturedOutput output) {
    try (ConfigurableApplicationContext context = prod("jdbc:h2:mem:prod-profile;DB_CLOSE_DELAY=-1",
        Map.of("rebound.admin.username", ADMIN, "rebound.admin.password", ADMIN_PASSWORD))) {
      assertThat(output.getAll()).contains("The engine database is H2 (jdbc:h2:mem:prod-profile)")
          .contains("Production wants PostgreSQL").doesNotContain(ADMIN_PASSWORD);
      assertThat(new Http(port(context)).get("/api/recoveries", ADMIN, ADMIN_PASSWORD).status()).isEqualTo(200);
    }
  }

  @Test
  void shouldRefuseToRunTogetherWithTheDemo() throws SQLException {
    String engine = freshDatabase();
    assertThatThrownBy(() -> start(engine, Map.of("rebound.admin.username", ADMIN, "rebound.admin.password", ADMIN_PASSWORD),
        "prod", "demo"))
        .isInstanceOf(StartRefusedException.class)
        .hasMessageContaining("the demo and prod profiles are both active");
  }

  static String freshDatabase() throws SQLException {
    String name = "engine" + ++databases;
    try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return postgres.getJdbcUrl("postgres", name);
  }

  ConfigurableApplicationContext prod(String engineUrl, Map<String, String> properties) {
    return start(engineUrl, properties, "prod");
  }

  ConfigurableApplicationContext start(String engineUrl, Map<String, String> properties, String... profiles) {
    Map<String, String> all = new LinkedHashMap<>(properties);
    all.put("spring.datasource.url", engineUrl);
    all.put("spring.datasource.username", engineUrl.startsWith("jdbc:h2") ? "sa" : "postgres");
    return Starts.start(directory.resolve("data"), all, profiles);
  }

  static int port(ConfigurableApplicationContext context) {
    return Starts.port(context);
  }
}
