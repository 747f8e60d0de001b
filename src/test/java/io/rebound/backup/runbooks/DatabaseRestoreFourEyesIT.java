package io.rebound.backup.runbooks;

import static io.rebound.testsupport.Runs.approvalTask;
import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.Runs.describe;
import static io.rebound.testsupport.Runs.event;
import static io.rebound.testsupport.Runs.typed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import io.rebound.testsupport.BackupBench;
import io.rebound.testsupport.FakeOracle;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Four eyes on the restore from backups, attacked over HTTP as the schema restore's are: the requester approving
 * their own run through Rebound's API and the engine's, a start placed past the approval with start instructions, a
 * token moved by modification, a decision carrying other variables. Nothing touches the destination until another
 * person approved the very plan shown, and then each step runs once. The destination is an Oracle target, which
 * cannot run here: its physical layer is the real one, downloading from the bucket and running a fake {@code rman}
 * (src/test/resources/rman/fake) that keeps every command file it is given and writes a real RMAN log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = io.rebound.ReboundApplication.class)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DatabaseRestoreFourEyesIT {

  static final String PREFIX = "four-eyes";
  static final BackupBench bench = BackupBench.withBucket(PREFIX);
  static final S3Server s3 = bench.s3();
  static final String PW = TestUsers.PASSWORD;
  static final String TARGET = "ora";
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(1));
  static final FakeOracle oracle = FakeOracle.target(TARGET, "restore-latest.log");
  static final Path work = oracle.work();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    bench.register(registry);
    oracle.register(registry, "system");
    try (ObjectStore store = s3.store(PREFIX, TransferSettings.DEFAULT)) {
      oracle.publishDay(store, T0, "1234567890");
    }
  }
  /** The fake rman, writing the log of a restore to the latest SCN and exiting 0. */
  /** The command files the fake rman was given, in order. */
  @Autowired IdentityService identity;
  @LocalServerPort int port;

  Http http() {
    TestUsers.create(identity);
    return new Http(port);
  }

  String startRestore(Http http, String user, String point) {
    Http.Answer started = http.post("/api/database-restores", user, PW, Map.of("target", TARGET, "pointInTime", point));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    return id;
  }

  @Test
  void shouldNeverLetTheRequesterApproveTheirOwnRestoreThroughAnyApi() {
    Http http = http();
    String id = startRestore(http, TestUsers.BOTH, "latest");
    String taskId = approvalTask(http, id);

    Http.Answer own = http.post("/api/recoveries/" + id + "/approval", TestUsers.BOTH, PW, Map.of("approved", true, "comment", "mine"));
    Http.Answer claim = http.post("/engine-rest/task/" + taskId + "/claim", TestUsers.BOTH, PW, Map.of("userId", TestUsers.BOTH));
    Http.Answer complete = http.post("/engine-rest/task/" + taskId + "/complete", TestUsers.BOTH, PW,
        Map.of("variables", Map.of("approved", typed(true, "Boolean"))));

    assertThat(List.of(own.status(), claim.status(), complete.status())).as(own.body() + " | " + claim.body() + " | " + complete.body())
        .containsOnly(403);
    assertThat(describe(http, id)).doesNotContain("APPROVED approval", "STEP_STARTED recheck-plan");
    assertThat(work.resolve(id + "-restore")).doesNotExist();
    http.delete("/engine-rest/process-instance/" + id, TestUsers.ADMIN, PW);
  }

  @Test
  void shouldRefuseStartInstructionsModificationAndADecisionThatChangesTheRequest() {
    Http http = http();
    Http.Answer placed = http.post("/engine-rest/process-definition/key/database-restore/start", TestUsers.ADMIN, PW,
        Map.of("variables", Map.of("target", typed(TARGET, "String")),
            "startInstructions", List.of(Map.of("type", "startBeforeActivity", "activityId", "Task_StartRestore"))));
    assertThat(placed.status()).as(placed.body()).isBetween(400, 599);
    assertThat(placed.body()).contains("start instructions");

    String id = startRestore(http, TestUsers.OPERATOR, "latest");
    Http.Answer modification = http.post("/engine-rest/process-instance/" + id + "/modification", TestUsers.ADMIN, PW,
        Map.of("instructions", List.of(Map.of("type", "startBeforeActivity", "activityId", "Task_StartRestore"))));
    Http.Answer variable = http.put("/engine-rest/process-instance/" + id + "/variables/destination", TestUsers.ADMIN, PW,
        typed("elsewhere", "String"));
    Http.Answer extra = http.post("/engine-rest/task/" + approvalTask(http, id) + "/complete", TestUsers.APPROVER, PW,
        Map.of("variables", Map.of("approved", typed(true, "Boolean"), "pointInTime", typed(T0.toString(), "String"))));
    // The plan's commands are the RMAN script an Oracle restore runs: the stored plan cannot be swapped for another.
    Http.Answer plan = http.put("/engine-rest/process-instance/" + id + "/variables/plan", TestUsers.ADMIN, PW,
        typed("{\"commands\": [\"RMAN> DROP DATABASE;\"]}", "String"));
    Http.Answer planWithApproval = http.post("/engine-rest/task/" + approvalTask(http, id) + "/complete", TestUsers.APPROVER, PW,
        Map.of("variables", Map.of("approved", typed(true, "Boolean"), "plan", typed("RMAN> DROP DATABASE;", "String"))));

    assertThat(List.of(modification.status(), variable.status(), extra.status(), plan.status(), planWithApproval.status()))
        .as(modification.body() + " | " + variable.body() + " | " + extra.body() + " | " + plan.body() + " | " + planWithApproval.body())
        .containsOnly(400);
    assertThat(describe(http, id)).doesNotContain("APPROVED approval", "STEP_STARTED restore");
    assertThat(work.resolve(id + "-restore")).doesNotExist();
    http.delete("/engine-rest/process-instance/" + id, TestUsers.ADMIN, PW);
  }

  @Test
  void shouldRestoreOnceOnlyAfterAnotherPersonApprovedThePlanShown() throws IOException {
    Http http = http();
    Instant at = T0.plus(Duration.ofHours(12)).plus(Duration.ofMinutes(30));
    String point = at.toString();
    String id = startRestore(http, TestUsers.OPERATOR, point);
    Path job = work.resolve(id + "-restore");

    String plan = http.get("/api/recoveries/" + id + "/plan", TestUsers.APPROVER, PW).body();
    String until = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(at);
    assertThat(plan).contains("RESTORE ora (ORACLE) from the backups of ora to " + point, "FULL full-1", "arch-720", "DATA LOSS",
        "control file restored from backup full-1: ora does not answer",
        "RMAN> RESTORE CONTROLFILE FROM '" + work + "/<job key>/download/full-1/controlfile_full_1_1';",
        "RMAN>   SET UNTIL TIME \"TO_DATE('" + until + "', 'YYYY-MM-DD HH24:MI:SS')\";", "RMAN> ALTER DATABASE OPEN RESETLOGS;",
        "PLAN HASH ").doesNotContain("arch-780", "Oracle-Secret-1");
    assertThat(job).doesNotExist();

    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true,
        "comment", "point checked with the application owner"));
    assertThat(approved.status()).as(approved.body()).isBetween(200, 204);
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(describe(http, id)).contains("STEP_STARTED verify"));

    assertThat(event(http, id, "APPROVED", null).get("actor").asText()).isEqualTo(TestUsers.APPROVER);
    assertThat(describe(http, id)).contains("STEP_FINISHED recheck-plan", "STEP_FINISHED check-pieces", "STEP_FINISHED restore");
    // RMAN ran once, with the very command file the approver read, over the pieces downloaded and checked.
    List<String> runs = oracle.runs().stream().filter(script -> script.contains(job.toString())).toList();
    assertThat(runs).hasSize(1);
    assertThat(plan.replace("<job key>", id + "-restore")).contains(runs.get(0).lines().map(line -> "RMAN> " + line).toList());
    assertThat(job.resolve("download/full-1/db_full_1.bkp")).hasSize(3000);
    assertThat(job.resolve("download/arch-720/arch_720.arc")).hasSize(200);
    assertThat(job.resolve("download/arch-780")).doesNotExist();
    // Verify connects to the destination, which cannot answer here: the run stops there with an incident.
    awaitState(http, id, "FAILED");
    assertThat(describe(http, id)).contains("STEP_FAILED verify by rebound: the restored ora does not answer");
    assertThat(oracle.runs().stream().filter(script -> script.contains(job.toString()))).hasSize(1);
    http.delete("/engine-rest/process-instance/" + id, TestUsers.ADMIN, PW);
  }
}
