package io.rebound.backup.runbooks;

import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.Runs.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.RepositoryServiceImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The backups API over HTTP against the running application (PostgreSQL engine database, a real S3 server): a bucket
 * holding backups and shipped logs of two targets before the application starts, so the empty catalog is rebuilt
 * from it at start; the listing and its window, one backup with its pieces, the plan to a point without a run, the
 * same plan after the catalog is rebuilt, gaps refused by name, bad input refused with nothing started, a process per
 * schedule visible as a timer job, and retention that deletes only what no point in the window needs, each deletion
 * in the audit trail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BackupApiIT {

  static final String PREFIX = "api-it";
  static final BackupBench bench = BackupBench.withBucket(PREFIX);
  static final S3Server s3 = bench.s3();
  static final String PW = TestUsers.PASSWORD;
  static final String TARGET = PostgresServers.TARGET;
  static final String PRUNED = "ref";
  static final String IDENTITY = "7301188211537469442";
  /** Minute 0 of the test catalogs: five days ago, on the hour. */
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(5));
  static final Map<String, List<String>> published = new LinkedHashMap<>();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    bench.register(registry);
    registry.add("rebound.targets." + TARGET + ".backup.full-schedule", () -> "0 0 1 ? * SUN");
    registry.add("rebound.targets." + TARGET + ".backup.archive-shipping-interval", () -> "PT6H");
    registry.add("rebound.targets." + PRUNED + ".backup.recovery-window", () -> "P1D");
    registry.add("rebound.targets." + PRUNED + ".backup.archive-shipping-interval", () -> "PT6H");
    fillBucket();
  }

  @Autowired IdentityService identity;
  @Autowired HistoryService history;
  @Autowired ManagementService management;
  @Autowired RepositoryService repository;
  @Autowired ProcessEngine engine;
  @Autowired BackupScheduleDeployer deployer;
  @Autowired DataSource dataSource;
  @LocalServerPort int port;

  Http http() {
    TestUsers.create(identity);
    return new Http(port);
  }

  static Instant minute(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  static String lsn(long minutes) {
    long value = minutes * 4096;
    return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
  }

  /**
   * Each target: FULL full-1 at minute 0 with a day of logs, then (after a gap of a day) FULL full-2 at day 2, an
   * INCREMENTAL at day 3 and logs in 3-hour batches up to three hours ago.
   */
  static void fillBucket() {
    try (ObjectStore store = s3.store(PREFIX, TransferSettings.DEFAULT)) {
      BackupStore backups = new BackupStore(store);
      Path files = Files.createTempDirectory("backup-api-it");
      for (String target : List.of(TARGET, PRUNED)) {
        List<String> ids = new ArrayList<>();
        ids.add(backups.publish(backup(target, "full-1", BackupType.FULL, null, 0, 10), List.of(file(files, "base.tar", 4000))).id());
        for (long start = 0; start < 1440; start += 180) {
          ids.add(logs(backups, files, target, start, start + 180).id());
        }
        ids.add(backups.publish(backup(target, "full-2", BackupType.FULL, null, 2880, 2890), List.of(file(files, "base.tar", 5000))).id());
        ids.add(backups.publish(backup(target, "incr-1", BackupType.INCREMENTAL, "full-2", 4320, 4325),
            List.of(file(files, "changed.tar", 700))).id());
        for (long start = 2880; start < 7020; start += 180) {
          ids.add(logs(backups, files, target, start, start + 180).id());
        }
        published.put(target, ids);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BackupManifest backup(String target, String id, BackupType type, String parent, long start, long end) {
    return new BackupManifest(target + "-" + id, target, Dialect.POSTGRESQL, type, parent == null ? null : target + "-" + parent, 1,
        IDENTITY, minute(start), minute(end), lsn(start), lsn(end), List.of());
  }

  static LogManifest logs(BackupStore backups, Path files, String target, long start, long end) throws IOException {
    return backups.publish(new LogManifest(target + "-wal-" + start, target, Dialect.POSTGRESQL, 1, IDENTITY, minute(start), minute(end),
        lsn(start), lsn(end), List.of()), List.of(file(files, "segments-" + start + ".tar", 300)));
  }

  static Path file(Path directory, String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(name.hashCode() + size).nextBytes(bytes);
    Path dir = Files.createTempDirectory(directory, "piece");
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void shouldListCompleteBackupsAndTheRecoverableWindowFromTheCatalogRebuiltAtStart() {
    Http http = http();
    Http.Answer listing = http.get("/api/backups?target=" + TARGET, TestUsers.APPROVER, PW);

    assertThat(listing.status()).as(listing.body()).isEqualTo(200);
    assertThat(listing.json().get("backups").findValuesAsText("id")).containsExactly("it-full-1", "it-full-2", "it-incr-1");
    assertThat(listing.json().get("logBatches").asInt()).isEqualTo(8 + 23);
    JsonNode window = listing.json().get("recoverableWindow");
    assertThat(Instant.parse(window.get("from").asText())).isEqualTo(minute(10));
    assertThat(Instant.parse(window.get("to").asText())).isEqualTo(minute(7020));

    Http.Answer one = http.get("/api/backups/it-incr-1", TestUsers.OPERATOR, PW);
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(one.json().get("parentId").asText()).isEqualTo("it-full-2");
    assertThat(one.json().get("pieces").get(0).get("key").asText()).startsWith(PREFIX + "/backups/it/").endsWith("/it-incr-1/changed.tar");
    assertThat(one.json().get("pieces").get(0).get("size").asLong()).isEqualTo(700);
    assertThat(http.get("/api/backups/no-such-backup", TestUsers.OPERATOR, PW).status()).isEqualTo(404);
    Http.Answer long404 = http.get("/api/backups/" + "x".repeat(4000), TestUsers.OPERATOR, PW);
    assertThat(long404.status()).isEqualTo(404);
    assertThat(long404.body()).as("an unknown id is named, not echoed whole").contains("no backup " + "x".repeat(40) + "…")
        .hasSizeLessThan(500);
    assertThat(http.get("/api/backups?target=" + TARGET, TestUsers.OUTSIDER, PW).status()).isEqualTo(403);
  }

  @Test
  void shouldShowThePlanToAPointWithoutStartingAnythingAndNameTheGapItCannotCross() {
    Http http = http();
    long runs = history.createHistoricProcessInstanceQuery().count();

    Http.Answer plan = http.get("/api/backups/plan?target=it&pointInTime=" + minute(4440), TestUsers.OPERATOR, PW);
    assertThat(plan.status()).as(plan.body()).isEqualTo(200);
    assertThat(plan.json().get("backups").toString()).contains("FULL it-full-2", "INCREMENTAL it-incr-1").doesNotContain("it-full-1");
    assertThat(plan.json().get("logBatches")).hasSize(1);
    assertThat(plan.json().get("pieces")).hasSize(3);
    assertThat(plan.json().get("dataLoss").asText()).contains("is lost");

    Http.Answer gap = http.get("/api/backups/plan?target=it&pointInTime=" + minute(2000), TestUsers.OPERATOR, PW);
    assertThat(gap.status()).isEqualTo(400);
    assertThat(gap.json().get("message").asText()).contains("gap", lsn(1440), lsn(2880));
    Http.Answer before = http.get("/api/backups/plan?target=it&pointInTime=" + T0.minus(Duration.ofHours(1)), TestUsers.OPERATOR, PW);
    assertThat(before.status()).isEqualTo(400);
    assertThat(before.json().get("message").asText()).contains("before the first backup");
    Http.Answer future = http.get("/api/backups/plan?target=it&pointInTime=" + Instant.now().plus(Duration.ofHours(1)), TestUsers.OPERATOR, PW);
    assertThat(future.status()).isEqualTo(400);
    assertThat(future.json().get("message").asText()).contains("is not before the last transaction the shipped logs", "ends at " + minute(7020));

    assertThat(history.createHistoricProcessInstanceQuery().count()).as("a plan starts nothing").isEqualTo(runs);
  }

  @Test
  void shouldGiveTheSamePlanFromTheCatalogRebuiltFromTheBucketAlone() {
    Http http = http();
    String point = "/api/backups/plan?target=it&pointInTime=" + minute(4440);
    String before = http.get(point, TestUsers.OPERATOR, PW).json().toString();
    String latest = http.get("/api/backups/plan?target=it&pointInTime=latest", TestUsers.OPERATOR, PW).json().toString();

    new JdbcTemplate(dataSource).update("DELETE FROM rebound_backup_catalog");
    assertThat(http.get(point, TestUsers.OPERATOR, PW).status()).isEqualTo(400);
    assertThat(http.post("/api/backups/catalog/rebuild", TestUsers.APPROVER, PW, "").status()).as("approvers do not rebuild").isEqualTo(403);
    Http.Answer rebuilt = http.post("/api/backups/catalog/rebuild", TestUsers.OPERATOR, PW, "");

    assertThat(rebuilt.status()).as(rebuilt.body()).isEqualTo(200);
    assertThat(rebuilt.json().get("refused")).isEmpty();
    assertThat(http.get(point, TestUsers.OPERATOR, PW).json().toString()).isEqualTo(before);
    assertThat(http.get("/api/backups/plan?target=it&pointInTime=latest", TestUsers.OPERATOR, PW).json().toString()).isEqualTo(latest);
  }

  @Test
  void shouldRefuseBadInputWithItsReasonAndStartNothing() {
    Http http = http();
    long runs = history.createHistoricProcessInstanceQuery().count();
    Map<String, Object> unknownTarget = Map.of("target", "nope", "type", "FULL");
    Map<String, Object> unknownType = Map.of("target", TARGET, "type", "WEEKLY");
    Map<String, Object> extra = Map.of("target", TARGET, "type", "FULL", "dataDirectory", "/");
    Map<String, Object> noPoint = Map.of("target", TARGET, "pointInTime", "yesterday");
    Map<String, Object> gap = Map.of("target", TARGET, "pointInTime", minute(2000).toString());
    Map<String, Object> unknownDestination = Map.of("target", TARGET, "destination", "../etc");

    assertRefused(http.post("/api/backups", TestUsers.OPERATOR, PW, Map.of()), "target is required");
    assertRefused(http.post("/api/backups", TestUsers.OPERATOR, PW, unknownTarget), "unknown target 'nope'");
    assertRefused(http.post("/api/backups", TestUsers.OPERATOR, PW, unknownType), "'WEEKLY' is not one of");
    assertRefused(http.post("/api/backups", TestUsers.OPERATOR, PW, extra), "unknown input 'dataDirectory'");
    assertRefused(http.post("/api/database-restores", TestUsers.OPERATOR, PW, noPoint), "neither 'latest' nor an ISO-8601 instant");
    assertRefused(http.post("/api/database-restores", TestUsers.OPERATOR, PW, gap), "gap between position " + lsn(1440));
    assertRefused(http.post("/api/database-restores", TestUsers.OPERATOR, PW, unknownDestination), "unknown destination");
    assertRefused(http.get("/api/backups/plan?target=it&pointInTime=soon", TestUsers.OPERATOR, PW), "neither 'latest'");
    assertRefused(http.get("/api/backups/plan?pointInTime=latest", TestUsers.OPERATOR, PW), "target is required");
    Http.Answer engine = http.post("/engine-rest/process-definition/key/database-restore/start", TestUsers.OPERATOR, PW,
        Map.of("variables", Map.of("target", Map.of("value", TARGET), "pointInTime", Map.of("value", minute(2000).toString()))));
    assertThat(engine.status()).as(engine.body()).isEqualTo(400);
    assertThat(engine.body()).contains("gap between position");
    // The variable a shipment's step reads to know it collected already: a start cannot set it to skip the one-at-a-time rule.
    Http.Answer skipShipment = http.post("/engine-rest/process-definition/key/database-backup/start", TestUsers.OPERATOR, PW,
        Map.of("variables", Map.of("target", Map.of("value", TARGET), "type", Map.of("value", "LOGS"),
            DatabaseBackupProcess.Variables.LOGS_SHIPPED, Map.of("value", false))));
    assertThat(skipShipment.status()).as(skipShipment.body()).isEqualTo(400);
    assertThat(skipShipment.body()).contains("unknown input 'logsShipped'");

    assertThat(history.createHistoricProcessInstanceQuery().count()).as("nothing started").isEqualTo(runs);
  }

  @Test
  void shouldRefuseAPointInTimeLongerThanAnyPointWithAShortReasonAndStartNothing() {
    Http http = http();
    long runs = history.createHistoricProcessInstanceQuery().count();
    String typed = "2026-11-30T14:05:00Z".repeat(500);
    String longest = typed.substring(0, 4000);

    // 10 000 characters make a request line longer than the server reads at all: refused before Rebound sees it.
    Http.Answer huge = http.get("/api/backups/plan?target=it&pointInTime=" + typed, TestUsers.OPERATOR, PW);
    assertThat(huge.status()).isEqualTo(400);
    assertThat(huge.body()).hasSizeLessThan(2000).doesNotContain(typed.substring(0, 100));
    // What the server does read is refused by its length, quoting only its start.
    Http.Answer long4000 = http.get("/api/backups/plan?target=it&pointInTime=" + longest, TestUsers.OPERATOR, PW);
    assertRefused(long4000, "pointInTime '" + longest.substring(0, 40) + "…' is neither 'latest' nor an ISO-8601 instant");
    assertThat(long4000.body()).hasSizeLessThan(500);

    assertThat(history.createHistoricProcessInstanceQuery().count()).as("nothing started").isEqualTo(runs);
  }

  @Test
  void shouldDeployAProcessPerScheduleWhoseTimerCockpitShows() {
    List<String> keys = new ArrayList<>();
    for (Job timer : management.createJobQuery().timers().list()) {
      String key = repository.getProcessDefinition(timer.getProcessDefinitionId()).getKey();
      if (key.startsWith("database-backup.")) {
        keys.add(key);
      }
    }
    assertThat(keys).containsExactlyInAnyOrder("database-backup.full.it", "database-backup.incremental.it", "database-backup.logs.it",
        "database-backup.prune.it", "database-backup.full.ref", "database-backup.incremental.ref", "database-backup.logs.ref",
        "database-backup.prune.ref");
  }

  @Test
  void shouldKeepTheProcessOfAScheduleNoLongerConfiguredARunbookWhenTheEngineReadsItAgain() throws Exception {
    // A schedule whose target left the configuration while a run of it was under way: its process stays deployed.
    byte[] original;
    try (var in = getClass().getClassLoader().getResourceAsStream(DatabaseBackupProcess.RESOURCE)) {
      original = in.readAllBytes();
    }
    byte[] model = BackupScheduleDeployer.scheduleModel(original,
        new BackupSchedules.Schedule(BackupSchedules.eventId("gone", BackupTask.FULL), "gone", BackupTask.FULL, "0 0 1 ? * SUN"));
    String deployment = repository.createDeployment().name("removed-schedule").addInputStream("database-backup.full.gone.bpmn", new java.io.ByteArrayInputStream(model))
        .deploy().getId();
    try {
      deployer.deploy();
      ProcessDefinition retired = repository.createProcessDefinitionQuery().processDefinitionKey("database-backup.full.gone").singleResult();
      assertThat(retired.isSuspended()).as("its timer stopped").isTrue();

      // After a restart the engine parses the model again when the run's next job comes: it must still find the runbook.
      ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
      configuration.getDeploymentCache().removeProcessDefinition(retired.getId());
      assertThat(((RepositoryServiceImpl) repository).getDeployedProcessDefinition(retired.getId()).getId()).isEqualTo(retired.getId());
      Http.Answer runs = http().get("/api/runs?runbook=database-backup.full.gone", TestUsers.OPERATOR, PW);
      assertThat(runs.status()).as(runs.body()).isEqualTo(200);
    } finally {
      repository.deleteDeployment(deployment, true);
    }
  }

  @Test
  void shouldRunAScheduleWhoseTimerFiresWithTheScheduleAsRequester() {
    Http http = http();
    Job timer = management.createJobQuery().timers().processDefinitionKey("database-backup.prune.it").singleResult();
    // As the job executor fires it: nobody is authenticated.
    management.executeJob(timer.getId());

    String id = history.createHistoricProcessInstanceQuery().processDefinitionKey("database-backup.prune.it").singleResult().getId();
    awaitState(http, id, "COMPLETED");
    JsonNode requested = event(http, id, "REQUESTED", null);
    assertThat(requested.get("actor").asText()).isEqualTo("schedule:StartEvent_Schedule_PRUNE_it");
    assertThat(requested.get("details").asText()).contains("\"type\":\"PRUNE\"", "\"target\":\"it\"");
    assertThat(event(http, id, "STEP_FINISHED", "retention").get("outcome").asText()).startsWith("0 backups and 0 log batches deleted");
    assertThat(management.createJobQuery().timers().processDefinitionKey("database-backup.prune.it").count())
        .as("the schedule's next time").isEqualTo(1);
    Http.Answer runs = http.get("/api/runs?runbook=database-backup&size=200", TestUsers.OPERATOR, PW);
    assertThat(runs.body()).as("a scheduled run is a run of its runbook").contains(id);
  }

  @Test
  void shouldDeleteOnlyWhatNoPointInTheWindowNeedsAndAuditEachDeletion() {
    Http http = http();
    Http.Answer dryRun = http.post("/api/backups/prune?target=" + PRUNED, TestUsers.OPERATOR, PW, "");
    assertThat(dryRun.status()).as(dryRun.body()).isEqualTo(200);
    assertThat(dryRun.json().get("deletedBackups").toString()).contains("ref-full-1").doesNotContain("ref-full-2", "ref-incr-1");
    // A day of logs after full-1, and those before incr-1 starts: every point in the window starts from full-2 and incr-1.
    assertThat(dryRun.json().get("deletedLogBatches")).hasSize(16);
    assertThat(dryRun.json().get("deletedLogBatches").toString()).contains("ref-wal-0", "ref-wal-4140").doesNotContain("ref-wal-4320");
    assertThat(http.get("/api/backups?target=" + PRUNED, TestUsers.OPERATOR, PW).json().get("backups")).hasSize(3);

    Http.Answer started = http.post("/api/backups/prune?target=" + PRUNED + "&dryRun=false", TestUsers.OPERATOR, PW, "");
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "COMPLETED");

    assertThat(http.get("/api/backups?target=" + PRUNED, TestUsers.OPERATOR, PW).json().get("backups").findValuesAsText("id"))
        .containsExactly("ref-full-2", "ref-incr-1");
    try (ObjectStore store = s3.store(PREFIX, TransferSettings.DEFAULT)) {
      assertThat(store.list(PREFIX + "/backups/ref/").keySet()).noneMatch(key -> key.contains("ref-full-1/") || key.contains("ref-wal-0/"))
          .anyMatch(key -> key.contains("ref-full-2/"));
    }
    JsonNode finished = event(http, id, "STEP_FINISHED", "retention");
    assertThat(finished.get("actor").asText()).isEqualTo("rebound");
    assertThat(finished.toString()).contains("delete " + PREFIX + "/backups/ref/", "ref-full-1/manifest.json", "ref-full-1/base.tar",
        "ref-wal-0/manifest.json");
    assertThat(event(http, id, "REQUESTED", null).get("actor").asText()).isEqualTo(TestUsers.OPERATOR);
    assertThat(http.get("/api/backups/plan?target=ref&pointInTime=" + minute(5000), TestUsers.OPERATOR, PW).status())
        .as("a point inside the window is still restorable").isEqualTo(200);
  }

  private static void assertRefused(Http.Answer answer, String reason) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.json().get("message").asText()).contains(reason);
  }
}
