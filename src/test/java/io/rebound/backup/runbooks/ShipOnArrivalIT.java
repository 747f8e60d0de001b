package io.rebound.backup.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.testsupport.ArchivingPostgres;
import io.rebound.testsupport.BackupBench;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.Job;
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
 * WAL shipped as it lands in the archive directory, on a real archiving PostgreSQL 15 and a real S3 server: the
 * shipping timer, an hour away, fires as soon as a switched segment is archived; and one shipment of a target runs at a
 * time. The job executor is off: the test runs each job itself, so the order of two runs' shipments is its own.
 */
@EnabledIf("io.rebound.testsupport.ArchivingPostgres#available")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ShipOnArrivalIT {

  static final BackupBench bench = BackupBench.withArchivingCluster("ship-on-arrival");
  static final ArchivingPostgres cluster = bench.cluster();
  static final String TARGET = "pg";
  static final String SCHEDULE = "database-backup.logs." + TARGET;
  static final String PW = TestUsers.PASSWORD;
  /** The least time between the start of a shipping run and a run an arrival fires. */
  static final Duration GAP = Duration.ofSeconds(15);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    bench.register(registry);
    bench.registerCluster(registry, TARGET);
    registry.add("rebound.targets." + TARGET + ".backup.ship-on-arrival", () -> "true");
    registry.add("rebound.targets." + TARGET + ".backup.archive-shipping-interval", () -> "PT1H");
    registry.add("rebound.targets." + TARGET + ".backup.ship-on-arrival-gap", GAP::toString);
    registry.add("camunda.bpm.job-execution.enabled", () -> "false");
  }

  @AfterAll
  static void stop() throws Exception {
    bench.close();
  }

  @Autowired IdentityService identity;
  @Autowired RuntimeService runtime;
  @Autowired ManagementService management;
  @Autowired HistoryService history;
  @Autowired BucketAccess bucket;
  @Autowired ShipOnArrival arrivals;
  @LocalServerPort int port;

  @Test
  void shouldShipWalAsItArrivesAndOneShipmentOfATargetAtATime() throws Exception {
    TestUsers.create(identity);
    Http http = new Http(port);
    bench.sql("CREATE TABLE orders (id int PRIMARY KEY)", "INSERT INTO orders VALUES (1)");

    // Whatever the cluster archived as it started has been shipped, or waits no more.
    arrivals.settle();
    scheduleRuns().forEach(run -> drive(run.getId()));
    int earlier = scheduleRuns().size();

    // Arrival: the schedule's timer is an hour away; the archived segment starts its run now.
    String deployedTimer = scheduleTimer().getId();
    Instant switched = Instant.now();
    cluster.switchAndArchive();
    HistoricProcessInstance arrival = await().atMost(GAP.plusSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> scheduleRuns().size() > earlier ? scheduleRuns().get(earlier) : null, run -> run != null);
    drive(arrival.getId());
    assertThat(Runs.awaitState(http, arrival.getId(), "COMPLETED").get("requester").asText())
        .isEqualTo("schedule:" + BackupSchedules.eventId(TARGET, BackupTask.LOGS));
    assertThat(shippedSegments()).as("the switched segment is in the bucket").isNotEmpty();
    Job timer = scheduleTimer();
    assertThat(timer.getId()).as("the deployed timer fired, its next tick is a job of its own").isNotEqualTo(deployedTimer);
    assertThat(timer.getDuedate()).as("the timer's next tick, an interval after the shipment it fired")
        .isAfter(Date.from(switched.plus(Duration.ofMinutes(59))));

    // The gap: WAL archived less than ship-on-arrival-gap after the last shipping run started waits for the gap's end.
    Instant lastStart = arrival.getStartTime().toInstant();
    bench.sql("INSERT INTO orders VALUES (10)");
    cluster.switchAndArchive();
    assertThat(Instant.now()).as("archived within the gap").isBefore(lastStart.plus(GAP));
    await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.waiting().containsKey(TARGET));
    HistoricProcessInstance afterGap = await().atMost(GAP.plusSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> scheduleRuns().size() > earlier + 1 ? scheduleRuns().get(earlier + 1) : null, run -> run != null);
    assertThat(afterGap.getStartTime().toInstant()).as("fired once the gap is over").isAfterOrEqualTo(lastStart.plus(GAP));
    drive(afterGap.getId());
    assertThat(Runs.describe(http, afterGap.getId())).contains("shipped: positions");
    int fired = scheduleRuns().size();

    // One at a time: A and B both come to their shipment; B, the later, leaves it to A; WAL archived meanwhile waits for A
    // (the gap since the last run of the schedule over first, so that only A's shipment holds it back).
    await().atMost(GAP.plusSeconds(5)).until(() -> !arrivals.tooSoon(TARGET));
    String a = start(http);
    String b = start(http);
    bench.sql("INSERT INTO orders VALUES (2)");
    cluster.switchAndArchive();
    await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.waiting().containsKey(TARGET));
    runShipLogsJob(b);
    drive(b);
    assertThat(Runs.describe(http, b)).contains("left to run " + a + ", which is shipping them");
    arrivals.settle();
    assertThat(scheduleRuns()).as("nothing fired while A is at its shipment").hasSize(fired);
    int before = shippedSegments().size();
    drive(a);
    assertThat(Runs.describe(http, a)).contains("shipped: positions");
    assertThat(shippedSegments()).hasSizeGreaterThan(before);

    // A's shipment over, the arrival that waited finds its segment in the catalog (A collected after it arrived), once the
    // gap since the last run of the schedule is over: no run.
    await().atMost(GAP.plusSeconds(10)).until(() -> arrivals.waiting().isEmpty());
    arrivals.settle();
    assertThat(scheduleRuns()).as("no run fired for WAL that A took").hasSize(fired);

    // WAL that waits while E ships, then a shipping run fired elsewhere (another node, Cockpit) after it arrived: that
    // run's collection took it, so nothing more is fired once both are over.
    String e = start(http);
    bench.sql("INSERT INTO orders VALUES (3)");
    cluster.switchAndArchive();
    await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.waiting().containsKey(TARGET));
    management.executeJob(scheduleTimer().getId());
    List<HistoricProcessInstance> runs = scheduleRuns();
    String elsewhere = runs.get(runs.size() - 1).getId();
    drive(e);
    drive(elsewhere);
    await().atMost(GAP.plusSeconds(10)).until(() -> arrivals.waiting().isEmpty());
    arrivals.settle();
    assertThat(scheduleRuns()).as("no run fired for WAL a later run took").hasSize(runs.size());
    assertThat(Runs.describe(http, e) + Runs.describe(http, elsewhere)).contains("shipped: positions");

    // A run held by an incident at its shipment holds no one back: the arrival fires the schedule, whose run ships;
    // retried, the held run finds nothing left.
    String held = start(http);
    Job heldShipment = management.createJobQuery().processInstanceId(held).activityId(DatabaseBackupProcess.Elements.SHIP_LOGS)
        .singleResult();
    management.setJobRetries(heldShipment.getId(), 0);
    bench.sql("INSERT INTO orders VALUES (4)");
    cluster.switchAndArchive();
    HistoricProcessInstance heldBack = await().atMost(GAP.plusSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> scheduleRuns().size() > runs.size() ? scheduleRuns().get(scheduleRuns().size() - 1) : null, run -> run != null);
    drive(heldBack.getId());
    assertThat(Runs.describe(http, heldBack.getId())).contains("shipped: positions");
    management.setJobRetries(heldShipment.getId(), 1);
    drive(held);
    assertThat(Runs.describe(http, held)).contains("no new archived logs to ship");

    List<String> segments = shippedSegments();
    assertThat(segments).as("each file shipped once").doesNotHaveDuplicates();
  }

  /** The schedule's own timer, not a poll timer of one of its runs. */
  private Job scheduleTimer() {
    List<Job> timers = management.createJobQuery().processDefinitionKey(SCHEDULE).timers().list().stream()
        .filter(job -> job.getProcessInstanceId() == null).toList();
    assertThat(timers).as("the schedule's timer").hasSize(1);
    return timers.get(0);
  }

  private List<HistoricProcessInstance> scheduleRuns() {
    return history.createHistoricProcessInstanceQuery().processDefinitionKey(SCHEDULE).orderByProcessInstanceStartTime().asc().list();
  }

  private List<String> shippedSegments() {
    return bucket.catalog().snapshot(TARGET, io.rebound.target.Dialect.POSTGRESQL).logs().stream().map(LogManifest::pieces)
        .flatMap(List::stream).map(Piece::name).toList();
  }

  private static String start(Http http) {
    Http.Answer started = http.post("/api/backups", TestUsers.OPERATOR, PW, Map.of("target", TARGET, "type", "LOGS"));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    return started.json().get("id").asText();
  }

  private void runShipLogsJob(String runId) {
    Job job = management.createJobQuery().processInstanceId(runId).activityId(DatabaseBackupProcess.Elements.SHIP_LOGS).singleResult();
    assertThat(job).as("run %s waits at its shipment", runId).isNotNull();
    management.executeJob(job.getId());
  }

  /**
   * Runs the run's jobs, one a look, until it has ended (its shipment's detached collection runs on its own). A poll
   * timer may be fired at the same moment by the node that saw the collection end: one of the two executions wins, the
   * other finds a lost update or the job gone.
   */
  private void drive(String runId) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      management.createJobQuery().processInstanceId(runId).withRetriesLeft().list().stream().findFirst().ifPresent(job -> {
        try {
          management.executeJob(job.getId());
        } catch (ProcessEngineException e) {
          // Fired by the node meanwhile (a lost update, or the job and its execution gone): it ran once, by the other hand.
          if (management.createJobQuery().jobId(job.getId()).count() > 0 && !(e instanceof OptimisticLockingException)) {
            throw e;
          }
        }
      });
      return runtime.createProcessInstanceQuery().processInstanceId(runId).count() == 0;
    });
  }
}
