package io.rebound.backup.runbooks;

import static io.rebound.testsupport.Runs.approvalTask;
import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.Runs.describe;
import static io.rebound.testsupport.Runs.event;
import static io.rebound.testsupport.Runs.typed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupStore;
import io.rebound.backup.BackupType;
import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.LogRequest;
import io.rebound.backup.PhysicalBackups;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.backup.TakenBackup;
import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Four eyes on the restore from backups, attacked over HTTP as the schema restore's are: the requester approving
 * their own run through Rebound's API and the engine's, a start placed past the approval with start instructions, a
 * token moved by modification, a decision carrying other variables. Nothing touches the destination until another
 * person approved the very plan shown, and then each step runs once. The destination is an Oracle target, which
 * cannot run here: its physical layer is a stand-in that records what it was asked to do.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = {io.rebound.ReboundApplication.class,
    DatabaseRestoreFourEyesIT.StandIn.class})
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DatabaseRestoreFourEyesIT {

  static final PostgresServers servers = new PostgresServers();
  static final S3Server s3 = BackupApiIT.start();
  static final String PREFIX = "four-eyes";
  static final String PW = TestUsers.PASSWORD;
  static final String TARGET = "ora";
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(1));
  static final List<String> restores = new CopyOnWriteArrayList<>();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
    registry.add("rebound.storage.s3.endpoint", () -> s3.endpoint().toString());
    registry.add("rebound.storage.s3.region", () -> "us-east-1");
    registry.add("rebound.storage.s3.bucket", () -> S3Server.BUCKET);
    registry.add("rebound.storage.s3.prefix", () -> PREFIX);
    registry.add("rebound.storage.s3.path-style-access", () -> "true");
    registry.add("rebound.storage.s3.access-key-id", () -> S3Server.ACCESS_KEY);
    registry.add("rebound.storage.s3.secret-access-key", () -> S3Server.SECRET_KEY);
    registry.add("rebound.targets." + TARGET + ".dialect", () -> "oracle");
    registry.add("rebound.targets." + TARGET + ".url", () -> "jdbc:oracle:thin:@//127.0.0.1:1/NOWHERE");
    registry.add("rebound.targets." + TARGET + ".username", () -> "system");
    registry.add("rebound.targets." + TARGET + ".password", () -> "Oracle-Secret-1");
    fillBucket();
  }

  /** A FULL at minute 0 and 24 hours of archived logs in one-hour batches, SCN = minute * 1000. */
  static void fillBucket() {
    try (ObjectStore store = s3.store(PREFIX, TransferSettings.DEFAULT)) {
      BackupStore backups = new BackupStore(store);
      Path files = Files.createTempDirectory("four-eyes-it");
      backups.publish(new BackupManifest("full-1", TARGET, Dialect.ORACLE, BackupType.FULL, null, 1, "1234567890", T0,
          T0.plus(Duration.ofMinutes(10)), "1000", "10000", List.of()), List.of(file(files, "db_full_1.bkp", 3000)));
      for (long start = 0; start < 1380; start += 60) {
        backups.publish(new LogManifest("arch-" + start, TARGET, Dialect.ORACLE, 1, "1234567890", T0.plus(Duration.ofMinutes(start)),
            T0.plus(Duration.ofMinutes(start + 60)), String.valueOf(start * 1000 + 1000), String.valueOf((start + 60) * 1000 + 1000),
            List.of()), List.of(file(files, "arch_" + start + ".arc", 200)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path file(Path directory, String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(name.hashCode()).nextBytes(bytes);
    return Files.write(Files.createTempDirectory(directory, "piece").resolve(name), bytes);
  }

  /** The Oracle physical layer, which cannot run here: it says what it would run and records the restores asked of it. */
  @TestConfiguration(proxyBeanMethods = false)
  static class StandIn {
    @Bean
    PhysicalBackups oracleStandIn() {
      return new PhysicalBackups() {
        @Override
        public Dialect dialect() {
          return Dialect.ORACLE;
        }

        @Override
        public PhysicalJob<TakenBackup> backup(Target target, BackupRequest request) {
          throw new UnsupportedOperationException();
        }

        @Override
        public PhysicalJob<CollectedLogs> collectLogs(Target target, LogRequest request) {
          throw new UnsupportedOperationException();
        }

        @Override
        public List<String> restoreActions(Target destination, RecoveryPlan plan) {
          return List.of("RMAN> SHUTDOWN IMMEDIATE; STARTUP NOMOUNT", "RMAN> SET UNTIL TIME '" + plan.recoverToTime() + "'",
              "RMAN> RESTORE DATABASE; RECOVER DATABASE", "SQL> ALTER DATABASE OPEN RESETLOGS");
        }

        @Override
        public PhysicalJob<RestoredPoint> restore(Target destination, RestoreRequest request) {
          restores.add(request.jobKey());
          return new PhysicalJob<>(PhysicalJob.State.SUCCEEDED, new RestoredPoint(2, "999", request.plan().recoverToTime(), "stand-in"),
              null, "done", null, "here", false);
        }

        @Override
        public PhysicalJob<Void> look(Target target, String jobKey) {
          return new PhysicalJob<>(PhysicalJob.State.NOT_STARTED, null, null, null, null, null, false);
        }

        @Override
        public void release(Target target, String jobKey) {}

        @Override
        public void discard(Target target, String jobKey) {}

        @Override
        public List<String> pruneLocalLogs(Target target, List<LogManifest> shipped, Instant now) {
          return List.of();
        }
      };
    }
  }

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
    assertThat(restores).noneMatch(key -> key.startsWith(id));
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

    assertThat(List.of(modification.status(), variable.status(), extra.status()))
        .as(modification.body() + " | " + variable.body() + " | " + extra.body()).containsOnly(400);
    assertThat(describe(http, id)).doesNotContain("APPROVED approval", "STEP_STARTED restore");
    assertThat(restores).noneMatch(key -> key.startsWith(id));
    http.delete("/engine-rest/process-instance/" + id, TestUsers.ADMIN, PW);
  }

  @Test
  void shouldRestoreOnceOnlyAfterAnotherPersonApprovedThePlanShown() {
    Http http = http();
    String point = T0.plus(Duration.ofHours(12)).plus(Duration.ofMinutes(30)).toString();
    String id = startRestore(http, TestUsers.OPERATOR, point);

    String plan = http.get("/api/recoveries/" + id + "/plan", TestUsers.APPROVER, PW).body();
    assertThat(plan).contains("RESTORE ora (ORACLE) from the backups of ora to " + point, "FULL full-1", "arch-720", "DATA LOSS",
        "RMAN> SET UNTIL TIME '" + point + "'", "PLAN HASH ").doesNotContain("arch-780");
    assertThat(restores).noneMatch(key -> key.startsWith(id));

    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true,
        "comment", "point checked with the application owner"));
    assertThat(approved.status()).as(approved.body()).isBetween(200, 204);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(describe(http, id)).contains("STEP_STARTED verify"));

    assertThat(event(http, id, "APPROVED", null).get("actor").asText()).isEqualTo(TestUsers.APPROVER);
    assertThat(describe(http, id)).contains("STEP_FINISHED recheck-plan", "STEP_FINISHED check-pieces", "STEP_FINISHED restore");
    assertThat(restores.stream().filter(key -> key.equals(id + "-restore"))).isNotEmpty();
    // Verify connects to the destination, which the stand-in cannot give: the run stops there with an incident.
    awaitState(http, id, "FAILED");
    assertThat(describe(http, id)).contains("STEP_FAILED verify by rebound: the restored ora does not answer");
    http.delete("/engine-rest/process-instance/" + id, TestUsers.ADMIN, PW);
  }
}
