package io.rebound.backup.runbooks;

import static io.rebound.testsupport.Runs.approvalTask;
import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.Runs.describe;
import static io.rebound.testsupport.Runs.event;
import static io.rebound.testsupport.Runs.typed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupStore;
import io.rebound.backup.BackupType;
import io.rebound.backup.LogManifest;
import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import io.rebound.target.Dialect;
import io.rebound.testsupport.BackupBench;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
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
  static final Path fake = fakeRman();
  static final Path work = directory("four-eyes-work");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    bench.register(registry);
    registry.add("rebound.targets." + TARGET + ".dialect", () -> "oracle");
    registry.add("rebound.targets." + TARGET + ".url", () -> "jdbc:oracle:thin:@//127.0.0.1:1/NOWHERE");
    registry.add("rebound.targets." + TARGET + ".username", () -> "system");
    registry.add("rebound.targets." + TARGET + ".password", () -> "Oracle-Secret-1");
    registry.add("rebound.targets." + TARGET + ".backup.work-directory", work::toString);
    registry.add("rebound.targets." + TARGET + ".backup.rman-command[0]", () -> fake.resolve("rman").toString());
    registry.add("rebound.targets." + TARGET + ".backup.rman-command[1]", () -> "target");
    registry.add("rebound.targets." + TARGET + ".backup.rman-command[2]", () -> "/");
    registry.add("rebound.targets." + TARGET + ".backup.environment.FAKE_RMAN_DIR", fake::toString);
    registry.add("rebound.targets." + TARGET + ".backup.environment.TZ", () -> "UTC");
    fillBucket();
  }

  /** A FULL at minute 0 and 24 hours of archived logs in one-hour batches, SCN = minute * 1000. */
  static void fillBucket() {
    try (ObjectStore store = s3.store(PREFIX, TransferSettings.DEFAULT)) {
      BackupStore backups = new BackupStore(store);
      Path files = Files.createTempDirectory("four-eyes-it");
      backups.publish(new BackupManifest("full-1", TARGET, Dialect.ORACLE, BackupType.FULL, null, 1, "1234567890", T0,
          T0.plus(Duration.ofMinutes(10)), "1000", "10000", List.of()), List.of(file(files, "db_full_1.bkp", 3000),
          file(files, "controlfile_full_1_1", 100)));
      for (long start = 0; start < 1380; start += 60) {
        backups.publish(new LogManifest("arch-" + start, TARGET, Dialect.ORACLE, 1, "1234567890", T0.plus(Duration.ofMinutes(start)),
            T0.plus(Duration.ofMinutes(start + 60)), String.valueOf(start * 1000 + 1000), String.valueOf((start + 60) * 1000 + 1000),
            List.of()), List.of(file(files, "arch_" + start + ".arc", 200)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fake rman, writing the log of a restore to the latest SCN and exiting 0. */
  static Path fakeRman() {
    try {
      Path directory = directory("four-eyes-rman");
      try (InputStream script = DatabaseRestoreFourEyesIT.class.getResourceAsStream("/rman/fake/rman")) {
        Files.copy(script, directory.resolve("rman"));
      }
      directory.resolve("rman").toFile().setExecutable(true);
      Files.writeString(directory.resolve("sample"), Path.of("src/test/resources/rman/restore-latest.log").toAbsolutePath().toString());
      Files.writeString(directory.resolve("exit"), "0");
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path directory(String prefix) {
    try {
      return Files.createTempDirectory(prefix).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command files the fake rman was given, in order. */
  static List<String> rmanRuns() throws IOException {
    try (Stream<Path> files = Files.list(fake)) {
      List<Path> runs = files.filter(file -> file.getFileName().toString().startsWith("run-")).sorted().toList();
      List<String> scripts = new ArrayList<>();
      for (Path run : runs) {
        scripts.add(Files.readString(run));
      }
      return scripts;
    }
  }

  static Path file(Path directory, String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(name.hashCode()).nextBytes(bytes);
    return Files.write(Files.createTempDirectory(directory, "piece").resolve(name), bytes);
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

    assertThat(List.of(modification.status(), variable.status(), extra.status()))
        .as(modification.body() + " | " + variable.body() + " | " + extra.body()).containsOnly(400);
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
    List<String> runs = rmanRuns().stream().filter(script -> script.contains(job.toString())).toList();
    assertThat(runs).hasSize(1);
    assertThat(plan.replace("<job key>", id + "-restore")).contains(runs.get(0).lines().map(line -> "RMAN> " + line).toList());
    assertThat(job.resolve("download/full-1/db_full_1.bkp")).hasSize(3000);
    assertThat(job.resolve("download/arch-720/arch_720.arc")).hasSize(200);
    assertThat(job.resolve("download/arch-780")).doesNotExist();
    // Verify connects to the destination, which cannot answer here: the run stops there with an incident.
    awaitState(http, id, "FAILED");
    assertThat(describe(http, id)).contains("STEP_FAILED verify by rebound: the restored ora does not answer");
    assertThat(rmanRuns().stream().filter(script -> script.contains(job.toString()))).hasSize(1);
    http.delete("/engine-rest/process-instance/" + id, TestUsers.ADMIN, PW);
  }
}
