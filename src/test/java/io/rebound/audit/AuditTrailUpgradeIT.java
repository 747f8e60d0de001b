package io.rebound.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.config.AuthorizationSetup;
import io.rebound.compare.TableCompareRunbook;
import io.rebound.restore.SchemaRestoreRunbook;
import io.rebound.runbook.Runbooks;
import io.rebound.testsupport.Applications;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * An installation of the Rebound from before migrations and keyed hashing is upgraded: its engine database
 * (PostgreSQL, Camunda's tables, Rebound's tables with rows its unkeyed chain wrote) is taken over by two
 * nodes of this version starting at once. Every row is kept and verifies; a run appends keyed rows; then
 * whoever writes the engine database deletes a row, empties the trail, or forges a row and recomputes the
 * unkeyed chain, and {@code GET /api/audit/verify} says the trail is not intact each time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditTrailUpgradeIT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_full_backup.dump";
  static final String PW = TestUsers.PASSWORD;
  static final JdbcTemplate engineDatabase = new JdbcTemplate(new DriverManagerDataSource(servers.engineUrl(), "postgres", ""));

  static List<Map<String, Object>> olderRows;
  static ConfigurableApplicationContext node;
  static ConfigurableApplicationContext otherNode;
  static Http http;

  @BeforeAll
  static void upgradeAnInstallationOfTheOlderVersion() throws Exception {
    servers.createWinstoreDump(DUMP, 0);
    installTheOlderVersion();
    olderRows = engineDatabase.queryForList("SELECT * FROM rebound_audit ORDER BY id");

    // Both nodes migrate, generate the audit key into the shared work directory and anchor the older rows at once.
    // The second starts once the first has set up logging, which Spring Boot does for the whole JVM and not
    // safely twice at a time; everything the test is about happens after that, in both at once.
    CountDownLatch loggingReady = new CountDownLatch(1);
    ApplicationListener<ApplicationPreparedEvent> prepared = event -> loggingReady.countDown();
    CompletableFuture<ConfigurableApplicationContext> first = CompletableFuture.supplyAsync(() -> Applications.start(properties("default"), prepared));
    assertThat(loggingReady.await(2, TimeUnit.MINUTES)).isTrue();
    CompletableFuture<ConfigurableApplicationContext> second = CompletableFuture.supplyAsync(() -> Applications.start(properties("secondNode")));
    node = first.get(5, TimeUnit.MINUTES);
    otherNode = second.get(5, TimeUnit.MINUTES);
    http = new Http(Applications.port(node));
  }

  @AfterAll
  static void stop() {
    if (otherNode != null) {
      otherNode.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  @Order(1)
  void shouldKeepEveryRowWrittenBeforeTheUpgradeAndVerifyItIntact() {
    List<Map<String, Object>> rows = engineDatabase.queryForList("SELECT * FROM rebound_audit WHERE id <= ? ORDER BY id", olderRows.size());
    assertThat(rows).hasSize(olderRows.size());
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> before = olderRows.get(i);
      assertThat(rows.get(i)).containsAllEntriesOf(before).containsEntry("hash_algorithm", "SHA-256");
    }

    JsonNode verification = verify();
    assertThat(verification.get("intact").asBoolean()).as(verification.toString()).isTrue();
    assertThat(verification.get("anchor").asText()).isEqualTo("MATCHES");
    assertThat(verification.get("keyedFrom").asLong()).isEqualTo(olderRows.size() + 1);
    assertThat(engineDatabase.queryForObject("SELECT count(*) FROM rebound_comparison_table", Long.class)).isEqualTo(1);
  }

  @Test
  @Order(2)
  void shouldMigrateOnceBeforeTheEngineWhenNodesStartAtOnce() {
    // Each migration once, whatever later ones other capabilities add.
    assertThat(engineDatabase.queryForList("SELECT version || ':' || success FROM rebound_schema_history ORDER BY installed_rank", String.class))
        .startsWith("0:true", "1:true", "2:true", "3:true", "4:true").doesNotHaveDuplicates().allMatch(row -> row.endsWith(":true"));
    for (ConfigurableApplicationContext context : List.of(node, otherNode)) {
      ConfigurableListableBeanFactory beans = context.getBeanFactory();
      for (String engineBean : beans.getBeanNamesForType(ProcessEngineConfigurationImpl.class)) {
        assertThat(beans.getBeanDefinition(engineBean).getDependsOn()).as(engineBean).contains("flywayInitializer");
      }
      assertThat(beans.getBeanDefinition("auditTrail").getDependsOn()).contains("flywayInitializer");
    }
  }

  @Test
  @Order(3)
  void shouldVerifyTheTrailIntactAfterARun() {
    Http.Answer started = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(id, "WAITING_FOR_APPROVAL");
    assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true)).status()).isEqualTo(200);
    awaitState(id, "COMPLETED");

    JsonNode verification = verify();
    assertThat(verification.get("intact").asBoolean()).as(verification.toString()).isTrue();
    assertThat(verification.get("rows").asLong()).isGreaterThan(olderRows.size() + 10);
    assertThat(engineDatabase.queryForObject("SELECT count(*) FROM rebound_audit WHERE process_instance_id = ? AND hash_algorithm = 'HMAC-SHA256'",
        Long.class, id)).isGreaterThan(10);
  }

  @Test
  @Order(4)
  void shouldSayNotIntactAfterARowIsDeletedInTheEngineDatabase() {
    TrailCopy copy = TrailCopy.take();
    try {
      engineDatabase.update("DELETE FROM rebound_audit WHERE id = ?", olderRows.size() + 3);
      JsonNode verification = verify();
      assertThat(verification.get("intact").asBoolean()).isFalse();
      assertThat(verification.get("problem").asText()).isEqualTo("row " + (olderRows.size() + 3) + " is missing");

      copy.restore();
      engineDatabase.update("DELETE FROM rebound_audit WHERE id = ?", 2);
      assertThat(verify().get("problem").asText()).as("a row from before the upgrade").isEqualTo("row 2 is missing");
    } finally {
      copy.restore();
    }
    assertThat(verify().get("intact").asBoolean()).as("the same trail put back").isTrue();
  }

  @Test
  @Order(5)
  void shouldSayNotIntactAfterTheTrailIsEmptied() {
    TrailCopy copy = TrailCopy.take();
    try {
      engineDatabase.execute("TRUNCATE TABLE rebound_audit");
      engineDatabase.update("UPDATE rebound_audit_head SET last_id = 0, last_hash = ?", OlderRebound.GENESIS);
      JsonNode verification = verify();
      assertThat(verification.get("intact").asBoolean()).isFalse();
      assertThat(verification.get("rows").asLong()).isZero();
      assertThat(verification.get("anchor").asText()).isEqualTo("DOES_NOT_MATCH");
      assertThat(verification.get("problem").asText()).isEqualTo("the trail is empty, but the anchor says it held " + copy.rows.size()
          + " rows up to row " + copy.rows.size());
    } finally {
      copy.restore();
    }
    assertThat(verify().get("intact").asBoolean()).isTrue();
  }

  @Test
  @Order(6)
  void shouldSayNotIntactAfterARowIsForgedAndTheUnkeyedChainRecomputed() {
    TrailCopy copy = TrailCopy.take();
    try {
      // The best a database writer without the key can do: rewrite a row and recompute every hash after it
      // the way rows were hashed before the key, naming that algorithm for every row.
      forgeFrom(2, "mallory");
      JsonNode verification = verify();
      assertThat(verification.get("intact").asBoolean()).isFalse();
      assertThat(verification.get("firstBrokenId").asLong()).isEqualTo(olderRows.size() + 1);
      assertThat(verification.get("problem").asText()).isEqualTo("row " + (olderRows.size() + 1) + " is hashed with SHA-256 where"
          + " HMAC-SHA256 belongs (the keyed chain begins at row " + (olderRows.size() + 1) + ")");
      assertThat(verification.get("anchor").asText()).isEqualTo("DOES_NOT_MATCH");
    } finally {
      copy.restore();
    }
    assertThat(verify().get("intact").asBoolean()).isTrue();
  }

  /** The rows and head of the trail, to put them back as they were after each tampering. */
  private record TrailCopy(List<Map<String, Object>> rows, Map<String, Object> head) {

    static TrailCopy take() {
      return new TrailCopy(engineDatabase.queryForList("SELECT * FROM rebound_audit ORDER BY id"),
          engineDatabase.queryForMap("SELECT last_id, last_hash FROM rebound_audit_head WHERE id = 1"));
    }

    void restore() {
      engineDatabase.execute("DELETE FROM rebound_audit");
      for (Map<String, Object> row : rows) {
        List<String> columns = new ArrayList<>(row.keySet());
        engineDatabase.update("INSERT INTO rebound_audit (" + String.join(", ", columns) + ") VALUES ("
            + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")", columns.stream().map(row::get).toArray());
      }
      engineDatabase.update("UPDATE rebound_audit_head SET last_id = ?, last_hash = ? WHERE id = 1", head.get("last_id"), head.get("last_hash"));
    }
  }

  private static void forgeFrom(long from, String actor) {
    List<Map<String, Object>> rows = engineDatabase.queryForList("SELECT * FROM rebound_audit WHERE id >= ? ORDER BY id", from);
    String previous = engineDatabase.queryForObject("SELECT hash FROM rebound_audit WHERE id = ?", String.class, from - 1);
    for (Map<String, Object> row : rows) {
      long id = ((Number) row.get("id")).longValue();
      String rowActor = id == from ? actor : (String) row.get("actor");
      String at = ((Timestamp) row.get("occurred_at")).toInstant().truncatedTo(ChronoUnit.MILLIS).toString();
      String hash = OlderRebound.hash(previous, id, (String) row.get("process_instance_id"), (String) row.get("event_type"),
          (String) row.get("step"), rowActor, at, (String) row.get("outcome"), (String) row.get("details"));
      engineDatabase.update("UPDATE rebound_audit SET actor = ?, previous_hash = ?, hash = ?, hash_algorithm = 'SHA-256' WHERE id = ?",
          rowActor, previous, hash, id);
      previous = hash;
    }
    engineDatabase.update("UPDATE rebound_audit_head SET last_hash = ? WHERE id = 1", previous);
  }

  private static JsonNode verify() {
    Http.Answer answer = http.get("/api/audit/verify", TestUsers.OPERATOR, PW);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json();
  }

  private static void awaitState(String id, String state) {
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW).json().get("state").asText().equals(state));
  }

  /**
   * The engine database as the older version left it: Camunda's schema, Rebound's groups and users, and
   * Rebound's tables with two runs' rows and a comparison.
   */
  private static void installTheOlderVersion() {
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) ProcessEngineConfiguration
        .createStandaloneProcessEngineConfiguration()
        .setJdbcUrl(servers.engineUrl()).setJdbcUsername("postgres").setJdbcPassword("").setJdbcDriver("org.postgresql.Driver")
        .setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE)
        .setHistory(ProcessEngineConfiguration.HISTORY_FULL)
        .setJobExecutorActivate(false)
        .setProcessEngineName("older-version");
    configuration.setGroupResourceWhitelistPattern("[a-zA-Z0-9][a-zA-Z0-9_-]*");
    ProcessEngine engine = configuration.buildProcessEngine();
    try {
      new AuthorizationSetup(engine, new Runbooks(List.of(new SchemaRestoreRunbook(null), new TableCompareRunbook(null, null)))).setUp();
      TestUsers.create(engine.getIdentityService());
    } finally {
      engine.close();
    }

    OlderRebound older = new OlderRebound(engineDatabase);
    older.createTables();
    Instant at = Instant.parse("2025-06-01T08:00:00.125Z");
    for (String[] row : Arrays.asList(
        new String[] {"run-a", "REQUESTED", "request", "op", "requested", "{\"target\":\"it\"}"},
        new String[] {"run-a", "PLAN_COMPUTED", "preflight", "rebound", "plan 3f2a", "{\"planHash\":\"3f2a\"}"},
        new String[] {"run-b", "REQUESTED", "request", "both", "requested", "{}"},
        new String[] {"run-a", "APPROVED", "approval", "appr", "approved: fine", "{\"comment\":\"fine\"}"},
        new String[] {"run-a", "STEP_STARTED", "reset", "rebound", null, "{}"},
        new String[] {"run-a", "STEP_FINISHED", "reset", "rebound", "3 statements", "{\"statements\":[\"DROP SCHEMA IF EXISTS x\"]}"},
        new String[] {"run-b", "REJECTED", "approval", "appr", "rejected: wrong dump", "{}"})) {
      older.record(row[0], row[1], row[2], row[3], row[4], row[5], at);
      at = at.plusSeconds(7);
    }
    engineDatabase.update("INSERT INTO rebound_comparison (id, source, destination, chunk_size, parallelism, max_differences, created_at)"
        + " VALUES ('cmp-1', 'it', 'ref', 1000, 2, 20, now())");
    engineDatabase.update("INSERT INTO rebound_comparison_table (comparison_id, name, run_id, spec, status, chunks_total, chunks_done, attempts)"
        + " VALUES ('cmp-1', 'winstore_admin.products', 'cmp-1', '{}', 'COMPLETED', 1, 1, 1)");
  }

  private static Map<String, Object> properties(String engineName) {
    Map<String, Object> properties = new HashMap<>(servers.properties());
    properties.put("server.port", "0");
    properties.put("spring.main.banner-mode", "off");
    // Two engines in one JVM must not share a name in Camunda's registry of engines (no hyphen: Camunda ignores such names).
    properties.put("camunda.bpm.process-engine-name", engineName);
    return properties;
  }
}
