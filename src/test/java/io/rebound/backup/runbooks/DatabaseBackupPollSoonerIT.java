package io.rebound.backup.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.testsupport.ArchivingPostgres;
import io.rebound.testsupport.BackupBench;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterAll;
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
 * With a poll interval of a minute, a FULL backup, a shipment of archived logs and a restore from them each go on as
 * soon as their detached job ends on this node: every run completes within seconds of its job's end, far inside one
 * poll interval, which is all a run without the shortcut would wait after its job ended.
 */
@EnabledIf("io.rebound.testsupport.ArchivingPostgres#available")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DatabaseBackupPollSoonerIT {

  static final BackupBench bench = BackupBench.withArchivingCluster("poll-sooner");
  static final ArchivingPostgres cluster = bench.cluster();
  static final String PW = TestUsers.PASSWORD;
  static final String TARGET = "pg";
  static final Duration POLL_INTERVAL = Duration.ofSeconds(60);
  /** How long after its job's end a run may take to complete: its last steps, well under one poll interval. */
  static final Duration AFTER_THE_JOB = Duration.ofSeconds(15);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    bench.register(registry);
    bench.registerCluster(registry, TARGET);
    registry.add("rebound.steps.poll-interval", POLL_INTERVAL::toString);
  }

  @AfterAll
  static void stop() throws Exception {
    bench.close();
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @Test
  void shouldGoOnAsSoonAsABackupsAShipmentsAndARestoresJobEnds() throws Exception {
    TestUsers.create(identity);
    Http http = new Http(port);
    bench.sql("CREATE TABLE orders (id int PRIMARY KEY, note text)", "INSERT INTO orders VALUES (1, 'before the FULL')");

    String full = start(http, "/api/backups", Map.of("target", TARGET, "type", "FULL"));
    assertCompletedSoonAfterItsJob(http, full, "backup");

    bench.sql("INSERT INTO orders VALUES (2, 'after the FULL')");
    cluster.switchAndArchive();
    String logs = start(http, "/api/backups", Map.of("target", TARGET, "type", "LOGS"));
    assertCompletedSoonAfterItsJob(http, logs, "logs");

    String restore = start(http, "/api/database-restores", Map.of("target", TARGET, "pointInTime", "latest"));
    awaitState(http, restore, "WAITING_FOR_APPROVAL", POLL_INTERVAL);
    Http.Answer approved = http.post("/api/recoveries/" + restore + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true,
        "comment", "restore to latest"));
    assertThat(approved.status()).as(approved.body()).isBetween(200, 204);
    assertCompletedSoonAfterItsJob(http, restore, "restore");
    assertThat(bench.ids("orders")).containsExactly(1, 2);
  }

  private static String start(Http http, String path, Map<String, String> request) {
    Http.Answer started = http.post(path, TestUsers.OPERATOR, PW, request);
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    return started.json().get("id").asText();
  }

  /**
   * The run completes well within one poll interval of its start's look at a job still running, and within
   * {@link #AFTER_THE_JOB} of the end its job recorded ({@code exit} in the job's directory).
   */
  private static void assertCompletedSoonAfterItsJob(Http http, String runId, String job) throws IOException {
    awaitState(http, runId, "COMPLETED", POLL_INTERVAL.dividedBy(2));
    Instant completed = Instant.now();
    Path exit = exitOf(runId + "-" + job);
    Instant jobEnded = Files.getLastModifiedTime(exit).toInstant();
    assertThat(Duration.between(jobEnded, completed)).as("from the end of %s to the run's completion", exit).isLessThan(AFTER_THE_JOB);
  }

  private static Path exitOf(String jobKey) throws IOException {
    try (Stream<Path> files = Files.walk(cluster.workDirectory())) {
      List<Path> exits = files.filter(file -> file.getFileName().toString().equals("exit") && file.getParent().getFileName().toString()
          .contains(jobKey)).toList();
      assertThat(exits).as("the end of job %s in %s", jobKey, cluster.workDirectory()).hasSize(1);
      return exits.get(0);
    }
  }

  private static void awaitState(Http http, String id, String state, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Http.Answer answer = http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW);
      assertThat(answer.json().get("state").asText()).as(answer.body()).isEqualTo(state);
    });
  }
}
