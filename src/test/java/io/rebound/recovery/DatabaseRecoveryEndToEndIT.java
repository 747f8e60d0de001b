package io.rebound.recovery;

import static io.rebound.testsupport.Runs.approvalTask;
import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.Runs.describe;
import static io.rebound.testsupport.Runs.event;
import static io.rebound.testsupport.Runs.trail;
import static io.rebound.testsupport.Runs.typed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testsupport.ArchivingPostgres;
import io.rebound.testsupport.BackupBench;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database recovery end to end over HTTP on a real PostgreSQL cluster that archives its WAL and a real S3 server: a
 * cluster killed with {@code kill -9} is started by the triage, recovers by itself and the run ends "instance recovery
 * only"; a cluster that lost a relation file (after a FULL backup, committed rows and the WAL shipped) is restored whole to
 * {@code latest}, approved by a second person and never by its requester, with no committed row lost.
 */
@EnabledIf("io.rebound.testsupport.ArchivingPostgres#available")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DatabaseRecoveryEndToEndIT {

  static final BackupBench bench = BackupBench.withArchivingCluster("recovery");
  static final ArchivingPostgres cluster = bench.cluster();
  static final String PW = TestUsers.PASSWORD;
  static final String TARGET = "pg";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    bench.register(registry);
    bench.registerCluster(registry, TARGET);
  }

  @AfterAll
  static void stop() throws Exception {
    bench.close();
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @BeforeEach
  void users() {
    TestUsers.create(identity);
  }

  @Test
  void shouldRefuseBadInputWith400AndStartNothing() {
    Http http = new Http(port);
    int before = http.get("/api/runs?runbook=database-recovery", TestUsers.OPERATOR, PW).json().get("runs").size();

    Http.Answer unknown = http.post("/api/database-recoveries", TestUsers.OPERATOR, PW, Map.of("target", "nope"));
    Http.Answer point = http.post("/api/database-recoveries", TestUsers.OPERATOR, PW, Map.of("target", TARGET, "pointInTime", "soon"));
    Http.Answer extra = http.post("/api/database-recoveries", TestUsers.OPERATOR, PW, Map.of("target", TARGET, "dataDirectory", "/tmp"));

    assertThat(List.of(unknown.status(), point.status(), extra.status())).containsOnly(400);
    assertThat(unknown.json().get("message").asText()).startsWith("unknown target 'nope'");
    assertThat(point.json().get("message").asText()).contains("pointInTime 'soon' is neither 'latest' nor an ISO-8601 instant");
    assertThat(extra.json().get("message").asText()).startsWith("unknown input 'dataDirectory'");
    assertThat(http.get("/api/runs?runbook=database-recovery", TestUsers.OPERATOR, PW).json().get("runs").size()).isEqualTo(before);
  }

  @Test
  void shouldEndWithInstanceRecoveryOnlyWhenAClusterKilledWithKill9RecoversByItself() throws Exception {
    Http http = new Http(port);
    bench.sql("CREATE TABLE crash_orders (id int PRIMARY KEY)", "INSERT INTO crash_orders VALUES (1), (2)");
    try (Connection open = cluster.connect(); Statement uncommitted = open.createStatement()) {
      open.setAutoCommit(false);
      uncommitted.execute("INSERT INTO crash_orders VALUES (3)");
      killMinus9();
    } catch (SQLException expected) {
      // the connection died with its server
    }

    Http.Answer started = http.post("/api/database-recoveries", TestUsers.OPERATOR, PW, Map.of("target", TARGET));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "COMPLETED");

    assertThat(event(http, id, "STEP_FINISHED", "triage").get("outcome").asText()).startsWith("INSTANCE_RECOVERY_ONLY: no file affected")
        .contains("instance recovery: the server was not shut down properly and replayed WAL from");
    assertThat(event(http, id, "STEP_FINISHED", "verify-instance").get("outcome").asText()).startsWith("instance recovery only: pg is"
        + " open, no file affected");
    assertThat(trail(http, id)).doesNotContain("PLAN_COMPUTED plan", "STEP_STARTED recover").anyMatch(e -> e.startsWith("REQUESTED"))
        .anyMatch(e -> e.startsWith("ENDED"));
    JsonNode run = http.get("/api/runs/" + id, TestUsers.OPERATOR, PW).json().get("run");
    assertThat(run.get("runbook").asText()).isEqualTo("database-recovery");
    assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(bench.ids("crash_orders")).as("committed rows rolled forward, the uncommitted one rolled back").containsExactly(1, 2);
  }

  @Test
  void shouldRestoreAClusterThatLostARelationFileToLatestWithNoCommittedRowLost() throws Exception {
    Http http = new Http(port);
    bench.sql("CREATE EXTENSION IF NOT EXISTS amcheck", "CREATE TABLE orders (id int PRIMARY KEY, note text)",
        "INSERT INTO orders VALUES (1, 'before the FULL'), (2, 'before the FULL')");
    BackupBench.backup(http, TARGET, "FULL");
    bench.sql("INSERT INTO orders VALUES (3, 'after the FULL')", "INSERT INTO orders VALUES (4, 'after the FULL')", "CHECKPOINT");
    cluster.switchAndArchive();
    BackupBench.backup(http, TARGET, "LOGS");
    Path lost = cluster.dataDirectory().resolve(query("SELECT pg_relation_filepath('orders')"));
    Files.delete(lost);

    Http.Answer started = http.post("/api/database-recoveries", TestUsers.BOTH, PW, Map.of("target", TARGET));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");

    String plan = http.get("/api/recoveries/" + id + "/plan", TestUsers.APPROVER, PW).body();
    String relative = cluster.dataDirectory().relativize(lost).toString();
    assertThat(plan).contains("RECOVER pg (POSTGRESQL): RESTORE_DATABASE, complete recovery", "DATA LOSS\nnone",
        relative + " (data, tablespace pg_default, table public.orders in database postgres): missing", "FULL ", "restore the whole cluster",
        "pg_ctl", "amcheck bt_index_check", "PLAN HASH ");

    String taskId = approvalTask(http, id);
    Http.Answer own = http.post("/api/recoveries/" + id + "/approval", TestUsers.BOTH, PW, Map.of("approved", true, "comment", "mine"));
    Http.Answer complete = http.post("/engine-rest/task/" + taskId + "/complete", TestUsers.BOTH, PW,
        Map.of("variables", Map.of("approved", typed(true, "Boolean"))));
    assertThat(List.of(own.status(), complete.status())).as(own.body() + " | " + complete.body()).containsOnly(403);
    assertThat(describe(http, id)).doesNotContain("APPROVED approval", "STEP_STARTED recheck");
    assertThat(lost).doesNotExist();

    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true,
        "comment", "one relation file lost; restore to latest"));
    assertThat(approved.status()).as(approved.body()).isBetween(200, 204);
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW).json().get("state").asText()).as(describe(http, id))
            .isEqualTo("COMPLETED"));

    assertThat(event(http, id, "APPROVED", null).get("actor").asText()).isEqualTo(TestUsers.APPROVER);
    assertThat(trail(http, id)).containsSubsequence("STEP_FINISHED triage", "PLAN_COMPUTED plan", "APPROVED approval",
        "STEP_FINISHED recheck", "STEP_FINISHED recover", "STEP_FINISHED verify");
    assertThat(event(http, id, "STEP_FINISHED", "verify").get("outcome").asText()).contains("data loss none", "pg is open, no file"
        + " affected");
    assertThat(bench.ids("orders")).containsExactly(1, 2, 3, 4);
  }

  /** The whole instance dies at once, as on a power loss: the postmaster and every server process, with SIGKILL. */
  private static void killMinus9() throws IOException {
    long pid = Long.parseLong(Files.readAllLines(cluster.dataDirectory().resolve("postmaster.pid")).get(0).strip());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    all.add(0, postmaster);
    all.forEach(ProcessHandle::destroyForcibly);
    await().atMost(Duration.ofSeconds(30)).until(() -> all.stream().noneMatch(ProcessHandle::isAlive));
  }

  private static String query(String sql) throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
