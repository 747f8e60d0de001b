package io.rebound.cluster;

import static io.rebound.testsupport.PostgresServers.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.ReboundApplication;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditEventType;
import io.rebound.audit.AuditTrail;
import io.rebound.config.ReboundGroups;
import io.rebound.restore.SchemaRestoreProcess.Elements;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.SeparateJvm;
import io.rebound.testsupport.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.history.HistoricJobLog;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two Rebound nodes on one PostgreSQL engine database with one shared work directory, as a Camunda cluster:
 * node A in a JVM of its own (so it can be killed as power loss kills it), node B in this one. Both start at
 * once on an empty engine database and set it up once; a schema restore and a comparison run on A, A is
 * killed with SIGKILL in the middle of the import, and B finishes both: the restore with no step done twice,
 * the comparison's chunks worked by both. How long B takes to take over is measured: a job A was running
 * waits out the job executor's lock time, a job waiting on a timer goes on at once.
 */
class ClusterIT {

  static final PostgresServers servers = new PostgresServers();
  static final String PW = TestUsers.PASSWORD;
  static final String ADMIN = "chief";
  static final String ADMIN_PASSWORD = "Chief-Admin-Pw-42";
  /** Shorter than the default, so the test waits it out quickly; above the longest job the test runs (a 10 s chunk job). */
  static final Duration LOCK_TIME = Duration.ofSeconds(20);
  static final Path LOGS = Path.of("target", "cluster-it").toAbsolutePath();

  static SeparateJvm nodeA;
  static ConfigurableApplicationContext nodeB;

  @AfterAll
  static void stop() throws Exception {
    if (nodeA != null) {
      nodeA.close();
    }
    if (nodeB != null) {
      nodeB.close();
    }
    servers.close();
  }

  @Test
  void shouldShareOneEngineDatabaseAndTakeOverFromANodeThatIsKilled() throws Exception {
    // Enough rows that pg_restore is still at work when node A is killed.
    servers.createWinstoreDump("big.dump", 600_000);
    Map<String, String> dumped = servers.winstoreFingerprint();
    try (Connection target = servers.targetConnection(); Connection reference = servers.referenceConnection()) {
      execute(target, "DELETE FROM winstore_admin.orders");
      for (Connection side : List.of(target, reference)) {
        for (String table : List.of("ledger_a_small", "ledger_b_held")) {
          execute(side, "CREATE TABLE public." + table + " (id bigint PRIMARY KEY, note text)");
          execute(side, "INSERT INTO public." + table + " SELECT i, 'entry ' || i FROM generate_series(1, 20000) i");
          execute(side, "ANALYZE public." + table);
        }
      }
      execute(reference, "UPDATE public.ledger_b_held SET note = 'changed' WHERE id = 777");
    }

    // Both nodes start at once on the empty engine database.
    nodeA = SeparateJvm.start(node("node-a"), LOGS.resolve("node-a.log"));
    nodeB = new SpringApplicationBuilder(ReboundApplication.class).profiles("prod").run(arguments(node("node-b")));
    nodeA.awaitUp("/api/recoveries", ADMIN, ADMIN_PASSWORD, Duration.ofMinutes(4));
    ProcessEngine engine = nodeB.getBean(ProcessEngine.class);
    shouldHaveBeenSetUpOnce(engine);
    TestUsers.create(engine.getIdentityService());
    Http onA = new Http(nodeA.port());

    // Node A does the work until it is killed: B's job executor waits.
    JobExecutor executorB = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getJobExecutor();
    executorB.shutdown();
    String restore = Runs.startRestore(onA, TestUsers.OPERATOR, "big.dump");
    assertThat(onA.post("/api/recoveries/" + restore + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true)).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
        .until(() -> importJob(restore).map(job -> Files.exists(job.resolve("pid"))).orElse(false));

    // A comparison whose second table (tables go in order of their names) the test holds locked: node A compares the
    // first, then its job waits on the lock.
    Connection holder = servers.targetConnection();
    holder.setAutoCommit(false);
    execute(holder, "LOCK TABLE public.ledger_b_held IN ACCESS EXCLUSIVE MODE");
    Http.Answer compared = onA.post("/api/comparisons", TestUsers.OPERATOR, PW, Map.of("source", PostgresServers.TARGET,
        "destination", "ref", "chunkSize", 1000, "parallelism", 1, "tables", List.of("public.ledger_a_small", "public.ledger_b_held")));
    assertThat(compared.status()).as(compared.body()).isEqualTo(201);
    String comparison = compared.json().get("id").asText();
    HistoryService history = engine.getHistoryService();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> chunkJobsByNode(history, comparison).containsKey("node-a") && lockedJob(comparison).isPresent());
    Lock heldByA = lockedJob(comparison).orElseThrow();

    boolean importRunning = !Files.exists(importJob(restore).orElseThrow().resolve("exit"));
    nodeA.kill();
    Instant killed = Instant.now();
    executorB.start();

    // The restore waits on a timer between polls of pg_restore: no job of it is held, B goes on at once.
    await().atMost(LOCK_TIME.plusSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> jobsDoneBy(history, restore, "node-b") > 0);
    Duration restoreTakenOver = Duration.between(killed, Instant.now());
    // The comparison's job was running on A: B takes it once A's lock has expired, not before.
    String lockOwnerB = executorB.getLockOwner();
    await().atMost(LOCK_TIME.plusSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> lock(heldByA.jobId()).map(l -> lockOwnerB.equals(l.owner())).orElse(true));
    Instant comparisonTakenOver = Instant.now();
    holder.rollback();
    holder.close();
    System.out.printf("Take-over after kill -9 of node A (job lock time %d s): the restore's next poll after %.1f s,"
            + " the comparison's job A was running after %.1f s (A's lock expired %.1f s after the kill)%n",
        LOCK_TIME.toSeconds(), restoreTakenOver.toMillis() / 1000.0, Duration.between(killed, comparisonTakenOver).toMillis() / 1000.0,
        Duration.between(killed, heldByA.expires()).toMillis() / 1000.0);
    assertThat(importRunning).as("node A was killed while pg_restore was running").isTrue();
    assertThat(restoreTakenOver).isLessThan(LOCK_TIME.plusSeconds(10));
    assertThat(comparisonTakenOver).as("B does not take a job whose lock has not expired")
        .isAfterOrEqualTo(heldByA.expires().minusMillis(500))
        .isBefore(heldByA.expires().plusSeconds(10));

    Http onB = new Http(Integer.parseInt(nodeB.getEnvironment().getProperty("local.server.port")));
    Runs.awaitState(onB, restore, "COMPLETED");
    List<AuditEvent> events = nodeB.getBean(AuditTrail.class).events(restore);
    Runs.assertEveryRestoreStepRanOnce(events);
    assertThat(servers.winstoreFingerprint()).isEqualTo(dumped);
    try (Stream<Path> files = Files.list(importJob(restore).orElseThrow())) {
      assertThat(files.map(f -> f.getFileName().toString())).as("pg_restore was started once").noneMatch(name -> name.startsWith("log."));
    }
    assertThat(jobsDoneBy(history, restore, "node-a")).as("node A worked the restore up to the import").isPositive();

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> onB.get("/api/comparisons/" + comparison, TestUsers.OPERATOR, PW).json().get("state").asText().equals("COMPLETED"));
    assertThat(chunkJobsByNode(history, comparison)).as("chunk jobs completed, by node").containsKeys("node-a", "node-b");
    Map<String, Long> different = new LinkedHashMap<>();
    onB.get("/api/comparisons/" + comparison, TestUsers.OPERATOR, PW).json().get("tables")
        .forEach(t -> different.put(t.get("name").asText(), t.get("different").asLong()));
    assertThat(different).containsOnly(Map.entry("public.ledger_a_small", 0L), Map.entry("public.ledger_b_held", 1L));
  }

  /** Groups, authorizations, the approvals filter, the administrator and the deployment: each there once. */
  private static void shouldHaveBeenSetUpOnce(ProcessEngine engine) {
    assertThat(engine.getFilterService().createFilterQuery().filterName("Rebound approvals").count()).isEqualTo(1);
    assertThat(engine.getIdentityService().createGroupQuery().groupIdIn(ReboundGroups.OPERATORS, ReboundGroups.APPROVERS,
        ReboundGroups.ADMINS).count()).isEqualTo(3);
    assertThat(engine.getIdentityService().createUserQuery().memberOfGroup(ReboundGroups.ADMINS).list())
        .extracting("id").containsExactly(ADMIN);
    List<Authorization> grants = engine.getAuthorizationService().createAuthorizationQuery()
        .groupIdIn(ReboundGroups.OPERATORS, ReboundGroups.APPROVERS, ReboundGroups.ADMINS).list();
    Set<String> distinct = grants.stream().map(a -> a.getGroupId() + " " + a.getResourceType() + " " + a.getResourceId())
        .collect(Collectors.toSet());
    assertThat(grants).hasSize(distinct.size());
    assertThat(engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey("schema-restore").count()).isEqualTo(1);
    // What the start wrote is in the audit trail once: groups saved, the filter's grant.
    List<AuditEvent> groupsSaved = nodeB.getBean(AuditTrail.class).outsideRuns(AuditEventType.IDENTITY_CHANGED,
        "group " + ReboundGroups.OPERATORS);
    assertThat(groupsSaved).hasSize(1);
  }

  /** The properties of a node: the shared engine database, work directory and audit key; its own name in the job log. */
  private static Map<String, String> node(String name) {
    Map<String, String> properties = new LinkedHashMap<>(servers.properties());
    properties.put("spring.profiles.active", "prod");
    properties.put("rebound.admin.username", ADMIN);
    properties.put("rebound.admin.password", ADMIN_PASSWORD);
    properties.put("rebound.audit.hmac-key", "cluster-audit-key-shared-by-all-nodes-0123456789");
    properties.put("camunda.bpm.generic-properties.properties.hostname", name);
    properties.put("camunda.bpm.job-execution.lock-time-in-millis", Long.toString(LOCK_TIME.toMillis()));
    properties.put("rebound.comparison.lock-timeout", "3m");
    properties.put("rebound.data-directory", LOGS.resolve(name).toString());
    return properties;
  }

  private static String[] arguments(Map<String, String> properties) {
    Map<String, String> all = new LinkedHashMap<>(properties);
    all.put("server.port", "0");
    all.put("spring.main.banner-mode", "off");
    return all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
  }

  private static Optional<Path> importJob(String restore) throws Exception {
    Path run = servers.workDirectory().resolve(restore);
    if (!Files.isDirectory(run)) {
      return Optional.empty();
    }
    try (Stream<Path> jobs = Files.list(run)) {
      return jobs.filter(p -> p.getFileName().toString().startsWith("rebound-import")).findFirst();
    }
  }

  /** How many of the comparison's chunk jobs each node completed. */
  private static Map<String, Long> chunkJobsByNode(HistoryService history, String comparison) {
    return history.createHistoricJobLogQuery().processInstanceId(comparison).activityIdIn("Task_CompareChunk").successLog().list()
        .stream().collect(Collectors.groupingBy(HistoricJobLog::getHostname, Collectors.counting()));
  }

  private static long jobsDoneBy(HistoryService history, String processInstance, String node) {
    return history.createHistoricJobLogQuery().processInstanceId(processInstance).successLog().list().stream()
        .filter(log -> node.equals(log.getHostname())).count();
  }

  /** A job's lock: who holds it until when. */
  record Lock(String jobId, String owner, Instant expires) {}

  /** A job of the process instance, locked now (the comparison runs one job at a time). */
  private static Optional<Lock> lockedJob(String processInstance) throws Exception {
    return query("SELECT ID_, LOCK_OWNER_, LOCK_EXP_TIME_ FROM ACT_RU_JOB WHERE PROCESS_INSTANCE_ID_ = '" + processInstance
        + "' AND LOCK_OWNER_ IS NOT NULL AND LOCK_EXP_TIME_ > now()");
  }

  /** The job's lock, empty once the job is gone. */
  private static Optional<Lock> lock(String jobId) throws Exception {
    return query("SELECT ID_, LOCK_OWNER_, LOCK_EXP_TIME_ FROM ACT_RU_JOB WHERE ID_ = '" + jobId + "'");
  }

  private static Optional<Lock> query(String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(servers.engineUrl(), "postgres", "");
        Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      if (!rows.next()) {
        return Optional.empty();
      }
      Timestamp expires = rows.getTimestamp(3);
      return Optional.of(new Lock(rows.getString(1), rows.getString(2), expires == null ? null : expires.toInstant()));
    }
  }
}
