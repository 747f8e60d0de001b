package io.rebound.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The operations endpoints over HTTP on the real application: the health without a login, with the engine database
 * and each target as components (a target that is down or that hangs neither hangs the probe nor takes Rebound out
 * of service), Prometheus for administrators with Rebound's metrics moving as runs move, and nothing secret in either.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Tests switch metrics export off unless asked: the Prometheus endpoint is what is tested here.
@AutoConfigureObservability(tracing = false)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OperationsIT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_full_backup.dump";
  static final String PW = TestUsers.PASSWORD;
  static final String DOWN_PASSWORD = "Down-Target-Secret-3";
  static final List<Socket> held = new CopyOnWriteArrayList<>();
  /** Accepts connections and never says a word: a target whose server hangs. */
  static final ServerSocket silent = silentServer();
  static final int closedPort = closedPort();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
    registry.add("rebound.targets.down.dialect", () -> "postgresql");
    registry.add("rebound.targets.down.url", () -> "jdbc:postgresql://localhost:" + closedPort + "/postgres?password=" + DOWN_PASSWORD);
    registry.add("rebound.targets.down.username", () -> "postgres");
    registry.add("rebound.targets.down.password", () -> DOWN_PASSWORD);
    registry.add("rebound.targets.hung.dialect", () -> "postgresql");
    registry.add("rebound.targets.hung.url", () -> "jdbc:postgresql://localhost:" + silent.getLocalPort() + "/postgres");
    registry.add("rebound.targets.hung.username", () -> "postgres");
    registry.add("rebound.targets.hung.connect-timeout", () -> "30s");
  }

  @Autowired IdentityService identity;
  @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping handlerMapping;
  @LocalServerPort int port;

  @BeforeAll
  static void dump() throws Exception {
    Path dump = servers.createWinstoreDump(DUMP, 0);
    servers.createReference(dump);
  }

  @AfterAll
  static void stopSilentServer() throws IOException {
    silent.close();
    for (Socket socket : held) {
      socket.close();
    }
  }

  @BeforeEach
  void users() {
    TestUsers.create(identity);
  }

  @Test
  void shouldAnswerHealthWithoutLoginShowingEngineDatabaseAndEachTargetWithinABoundAndNoSecret() {
    Http http = new Http(port);

    long started = System.nanoTime();
    Http.Answer health = http.get("/actuator/health", null, null);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).as("a hung target must not hang the probe").isLessThan(Duration.ofSeconds(10));
    assertThat(health.status()).as(health.body()).isEqualTo(200);
    JsonNode components = health.json().get("components");
    assertThat(health.json().get("status").asText()).as("a target down leaves Rebound up").isEqualTo("UP");
    assertThat(components.get("engineDatabase").get("status").asText()).isEqualTo("UP");
    JsonNode targets = components.get("targets").get("components");
    assertThat(targets.get(PostgresServers.TARGET).get("status").asText()).isEqualTo("UP");
    assertThat(targets.get(PostgresServers.TARGET).get("details").get("dialect").asText()).isEqualTo("postgresql");
    assertThat(targets.get("ref").get("status").asText()).isEqualTo("UP");
    assertThat(targets.get("down").get("status").asText()).isEqualTo("UNREACHABLE");
    assertThat(targets.get("down").get("details").get("error").asText()).contains("PSQLException");
    assertThat(targets.get("hung").get("status").asText()).isEqualTo("UNREACHABLE");
    assertThat(targets.get("hung").get("details").get("error").asText()).contains("no answer within");
    assertThat(health.body()).doesNotContain(DOWN_PASSWORD, PostgresServers.TARGET_PASSWORD, PostgresServers.SCHEMA_PASSWORD, "jdbc:");

    Http.Answer readiness = http.get("/actuator/health/readiness", null, null);
    assertThat(readiness.status()).as(readiness.body()).isEqualTo(200);
    assertThat(names(readiness.json().get("components"))).containsExactlyInAnyOrder("readinessState", "engineDatabase");
    Http.Answer liveness = http.get("/actuator/health/liveness", null, null);
    assertThat(liveness.status()).as(liveness.body()).isEqualTo(200);
    assertThat(names(liveness.json().get("components"))).containsExactly("livenessState");
    Http.Answer targetsGroup = http.get("/actuator/health/targets", null, null);
    assertThat(targetsGroup.status()).as("a group to alert on: a target is unreachable").isEqualTo(503);
    assertThat(targetsGroup.json().get("status").asText()).isEqualTo("UNREACHABLE");
    assertThat(names(targetsGroup.json().get("components"))).containsExactly("targets");
  }

  @Test
  void shouldKeepEveryOtherActuatorEndpointForAdministrators() {
    Http http = new Http(port);

    assertThat(http.get("/actuator/prometheus", null, null).status()).isEqualTo(401);
    assertThat(http.get("/actuator/prometheus", TestUsers.OPERATOR, PW).status()).isEqualTo(403);
    assertThat(http.get("/actuator/info", TestUsers.APPROVER, PW).status()).isEqualTo(403);
    assertThat(http.get("/actuator", TestUsers.OPERATOR, PW).status()).isEqualTo(403);
    assertThat(http.get("/actuator;x=1/../actuator/prometheus", null, null).status()).isIn(400, 401, 404);
    assertThat(http.get("/actuator/health/../prometheus", null, null).status()).isIn(400, 401, 404);
    assertThat(http.get("/actuator/info", TestUsers.ADMIN, PW).status()).isEqualTo(200);
    assertThat(http.get("/actuator/env", TestUsers.ADMIN, PW).status()).as("not exposed").isEqualTo(404);
    assertThat(http.get("/actuator/configprops", TestUsers.ADMIN, PW).status()).as("not exposed").isEqualTo(404);
  }

  @Test
  void shouldShowReboundMetricsThatMoveWithARunAndAComparison() {
    Http http = new Http(port);
    Http.Answer before = http.get("/actuator/prometheus", TestUsers.ADMIN, PW);
    assertThat(before.status()).as(before.body()).isEqualTo(200);
    assertThat(before.body()).contains("rebound_runs{", "rebound_engine_jobs{", "rebound_incidents_open{", "rebound_approvals_waiting{",
        "rebound_approvals_oldest_age_seconds{", "rebound_steps_retrying{", "rebound_comparison_rows_total{", "rebound_comparison_bytes_total{");
    double waitingBefore = sample(before.body(), "rebound_runs", "runbook=\"schema-restore\"", "state=\"WAITING_FOR_APPROVAL\"");
    double cancelledBefore = sample(before.body(), "rebound_runs", "runbook=\"schema-restore\"", "state=\"CANCELLED\"");

    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);

    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      String metrics = http.get("/actuator/prometheus", TestUsers.ADMIN, PW).body();
      assertThat(sample(metrics, "rebound_runs", "runbook=\"schema-restore\"", "state=\"WAITING_FOR_APPROVAL\"")).isEqualTo(waitingBefore + 1);
      assertThat(sample(metrics, "rebound_approvals_waiting", "runbook=\"schema-restore\"")).isGreaterThanOrEqualTo(1);
      assertThat(sample(metrics, "rebound_approvals_oldest_age_seconds", "runbook=\"schema-restore\"")).isGreaterThanOrEqualTo(0);
    });
    String metrics = http.get("/actuator/prometheus", TestUsers.ADMIN, PW).body();
    assertThat(sample(metrics, "rebound_step_duration_seconds_count", "runbook=\"schema-restore\"", "step=\"preflight\"", "outcome=\"finished\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(sample(metrics, "rebound_engine_jobs", "event=\"executed\"")).isGreaterThanOrEqualTo(1);
    assertThat(metrics).as("no run, no user in a tag").doesNotContain(id, "user=", TestUsers.OPERATOR + "\"");

    Http.Answer cancelled = http.post("/api/runs/" + id + "/cancel", TestUsers.OPERATOR, PW, Map.of("reason", "metrics test"));
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      String after = http.get("/actuator/prometheus", TestUsers.ADMIN, PW).body();
      assertThat(sample(after, "rebound_runs", "runbook=\"schema-restore\"", "state=\"CANCELLED\"")).isEqualTo(cancelledBefore + 1);
      assertThat(sample(after, "rebound_runs", "runbook=\"schema-restore\"", "state=\"WAITING_FOR_APPROVAL\"")).isEqualTo(waitingBefore);
    });

    double rowsBefore = sample(http.get("/actuator/prometheus", TestUsers.ADMIN, PW).body(), "rebound_comparison_rows_total", "side=\"source\"");
    Http.Answer comparison = http.post("/api/comparisons", TestUsers.OPERATOR, PW, Map.of("source", PostgresServers.TARGET,
        "destination", "ref", "tables", List.of(Map.of("name", "winstore_admin.products"))));
    assertThat(comparison.status()).as(comparison.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String after = http.get("/actuator/prometheus", TestUsers.ADMIN, PW).body();
      assertThat(sample(after, "rebound_comparison_rows_total", "side=\"source\"")).isGreaterThan(rowsBefore);
      assertThat(sample(after, "rebound_comparison_bytes_total", "side=\"destination\"")).isGreaterThan(0);
    });
    // The targets' comparison pools, one per side, report their connections.
    String pools = http.get("/actuator/prometheus", TestUsers.ADMIN, PW).body();
    assertThat(sample(pools, "hikaricp_connections_max", "pool=\"rebound-compare-" + PostgresServers.TARGET + "\"")).isEqualTo(8);
    assertThat(sample(pools, "hikaricp_connections_max", "pool=\"rebound-compare-ref\"")).isEqualTo(8);
    assertThat(sample(pools, "hikaricp_connections_acquire_seconds_count", "pool=\"rebound-compare-ref\"")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldDescribeEveryApiMappingWithASummaryItsParametersAndErrorsAsApiErrorBehindALogin() {
    Http http = new Http(port);
    assertThat(http.get("/v3/api-docs", null, null).status()).isEqualTo(401);
    assertThat(http.get("/swagger-ui/index.html", null, null).status()).isEqualTo(401);
    assertThat(http.get("/swagger-ui/index.html", TestUsers.OPERATOR, PW).status()).isEqualTo(200);
    Http.Answer docs = http.get("/v3/api-docs", TestUsers.OPERATOR, PW);
    assertThat(docs.status()).as(docs.body()).isEqualTo(200);
    JsonNode paths = docs.json().get("paths");

    List<String> mappings = new ArrayList<>();
    handlerMapping.getHandlerMethods().forEach((info, method) -> {
      for (String pattern : info.getPatternValues()) {
        if (!pattern.startsWith("/api/") && !pattern.equals("/api")) {
          continue;
        }
        for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
          mappings.add(verb + " " + pattern);
          JsonNode operation = paths.path(pattern).path(verb.name().toLowerCase(java.util.Locale.ROOT));
          assertThat(operation.isMissingNode()).as(verb + " " + pattern + " is in /v3/api-docs").isFalse();
          assertThat(operation.path("summary").asText()).as(verb + " " + pattern + " has a summary").isNotBlank();
          assertThat(operation.path("responses").path("401").path("content").path("application/json").path("schema").path("$ref").asText())
              .as(verb + " " + pattern + " answers errors as ApiError").endsWith("/ApiError");
          for (String variable : pathVariables(pattern)) {
            assertThat(operation.path("parameters").toString()).as(verb + " " + pattern + " describes " + variable).contains("\"" + variable + "\"");
          }
        }
      }
    });
    assertThat(mappings).as("the application's /api mappings").contains("GET /api/runs", "POST /api/schema-restores", "GET /api/runs/{id}");
    assertThat(docs.json().get("components").get("schemas").get("ApiError").get("properties").has("message")).isTrue();
    assertThat(docs.json().path("paths").path("/api/runs").path("get").path("parameters").toString()).contains("\"state\"", "WAITING_FOR_APPROVAL");
  }

  private static List<String> pathVariables(String pattern) {
    List<String> variables = new ArrayList<>();
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(pattern);
    while (matcher.find()) {
      variables.add(matcher.group(1));
    }
    return variables;
  }

  /** The value of the first sample of {@code name} carrying every label given; 0 when there is none. */
  static double sample(String metrics, String name, String... labels) {
    for (String line : metrics.split("\n")) {
      if (!line.startsWith(name + "{")) {
        continue;
      }
      String labelPart = line.substring(name.length(), line.lastIndexOf('}') + 1);
      boolean all = true;
      for (String label : labels) {
        all &= labelPart.contains(label);
      }
      if (all) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static ServerSocket silentServer() {
    try {
      ServerSocket server = new ServerSocket(0);
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            held.add(server.accept());
          } catch (IOException e) {
            return;
          }
        }
      }, "silent-target");
      acceptor.setDaemon(true);
      acceptor.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
