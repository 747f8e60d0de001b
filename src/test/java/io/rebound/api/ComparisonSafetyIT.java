package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.compare.TableCompareProcess;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a comparison may do to the databases it reads, over HTTP as an operator: the filter reaches them
 * only through its grammar, the sessions are the targets' read-only comparison accounts, and no statement
 * runs or waits past its timeout. Two real PostgreSQL servers, the engine on a third.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ComparisonSafetyIT {

  static final EmbeddedPostgres engine = start();
  static final EmbeddedPostgres source = start();
  static final EmbeddedPostgres destination = start();
  static final String PW = TestUsers.PASSWORD;
  static final String COMPARE_USER = "compare_ro";
  static final Path COMPARE_PASSWORD = secret("Compare-Ro-Pw-1");

  /** Holds a lock on the source's shop.locked for the whole class, as a restore in progress would. */
  static Connection lockHolder;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> engine.getJdbcUrl("postgres", "postgres"));
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "");
    registry.add("camunda.bpm.job-execution.wait-time-in-millis", () -> "50");
    registry.add("camunda.bpm.job-execution.max-wait", () -> "200");
    registry.add("rebound.steps.retry-cycle", () -> "R2/PT1S");
    // Tiny limits, so that a statement that runs or waits too long shows within the test's patience.
    registry.add("rebound.comparison.statement-timeout", () -> "2s");
    registry.add("rebound.comparison.lock-timeout", () -> "300ms");
    registry.add("rebound.comparison.max-tables", () -> "50");
    for (String side : List.of("src", "dst")) {
      EmbeddedPostgres server = side.equals("src") ? source : destination;
      registry.add("rebound.targets." + side + ".dialect", () -> "postgresql");
      registry.add("rebound.targets." + side + ".url", () -> "jdbc:postgresql://localhost:" + server.getPort() + "/postgres");
      registry.add("rebound.targets." + side + ".username", () -> "postgres");
      registry.add("rebound.targets." + side + ".comparison-username", () -> COMPARE_USER);
      registry.add("rebound.targets." + side + ".comparison-password-file", COMPARE_PASSWORD::toString);
    }
  }

  @Autowired IdentityService identity;
  @Autowired HistoryService history;
  @LocalServerPort int port;

  @BeforeAll
  static void createTables() throws SQLException {
    for (EmbeddedPostgres server : List.of(source, destination)) {
      try (Connection connection = server.getPostgresDatabase().getConnection()) {
        run(connection, "CREATE SCHEMA shop",
            "CREATE TABLE shop.items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), note text)",
            "INSERT INTO shop.items SELECT i, 'item ' || i, i % 50, 'n' || i FROM generate_series(1, 2000) i",
            "CREATE TABLE shop.secret (id int PRIMARY KEY, v text)", "INSERT INTO shop.secret VALUES (1, 'a')",
            "CREATE TABLE shop.locked (id int PRIMARY KEY)", "INSERT INTO shop.locked VALUES (1)",
            // Every row of this view takes long to read: it stands for a chunk that runs past its timeout.
            "CREATE VIEW shop.slow AS SELECT i AS id FROM generate_series(1, 3) i CROSS JOIN LATERAL (SELECT pg_sleep(30)) s",
            // The recommended comparison account: it may connect and read these tables, and nothing else.
            "CREATE ROLE " + COMPARE_USER + " LOGIN PASSWORD 'Compare-Ro-Pw-1'",
            "GRANT CONNECT ON DATABASE postgres TO " + COMPARE_USER, "GRANT USAGE ON SCHEMA shop TO " + COMPARE_USER,
            "GRANT SELECT ON shop.items, shop.locked, shop.slow TO " + COMPARE_USER);
      }
    }
    try (Connection connection = destination.getPostgresDatabase().getConnection()) {
      run(connection, "UPDATE shop.items SET note = 'changed' WHERE id IN (5, 1520)", "DELETE FROM shop.items WHERE id IN (8, 1620)");
    }
    lockHolder = source.getPostgresDatabase().getConnection();
    lockHolder.setAutoCommit(false);
    run(lockHolder, "LOCK TABLE shop.locked IN ACCESS EXCLUSIVE MODE");
  }

  @AfterAll
  static void releaseLock() throws SQLException {
    lockHolder.rollback();
    lockHolder.close();
  }

  @Test
  void shouldRefuseFiltersThatReachBeyondTheTableAndStartNothing() {
    TestUsers.create(identity);
    Http http = new Http(port);
    long runsBefore = runs();
    Map<String, String> refusals = Map.of(
        "cast(pg_read_file('/etc/passwd') as int) = 1", "may not call pg_read_file",
        "pg_sleep(600) is null", "may not call pg_sleep",
        "id = (select count(*) from pg_authid)", "may not use a subquery",
        "lo_export(16390, '/tmp/out') = 1", "may not call lo_export",
        "id = 1; delete from shop.items", "';' is not allowed");
    refusals.forEach((filter, reason) -> {
      Http.Answer answer = http.post("/api/comparisons", TestUsers.OPERATOR, PW, Map.of("source", "src", "destination", "dst",
          "tables", List.of(Map.of("name", "shop.items", "where", filter))));
      assertThat(answer.status()).as(answer.body()).isEqualTo(400);
      assertThat(answer.json().get("message").asText()).as(filter).startsWith("shop.items: the WHERE filter").contains(reason);
    });
    for (String body : List.of(
        "{\"source\": \"src\", \"destination\": \"dst\", \"tables\": [123]}",
        "{\"source\": \"src\", \"destination\": \"dst\", \"tables\": [\"shop.items\"], \"chunkSize\": 4294967396}",
        "{\"source\": \"src\", \"destination\": \"dst\", \"tables\": [{\"name\": \"shop.items\", \"chunkSize\": 4294967396}]}",
        "{\"source\": \"src\", \"destination\": \"dst\", \"tables\": [{\"name\": \"shop.items\", \"wher\": \"id > 1\"}]}",
        "{\"source\": \"src\", \"destination\": \"dst\", \"tables\": " + tableNames(51) + "}")) {
      Http.Answer answer = http.post("/api/comparisons", TestUsers.OPERATOR, PW, body);
      assertThat(answer.status()).as(body + " -> " + answer.body()).isEqualTo(400);
      assertThat(answer.json().get("message").asText()).as(body).isNotBlank();
    }
    assertThat(runs()).as("nothing started").isEqualTo(runsBefore);
  }

  @Test
  void shouldCompareAsTheComparisonAccountWithinTheTimeouts() throws Exception {
    TestUsers.create(identity);
    Http http = new Http(port);
    Http.Answer started = http.post("/api/comparisons", TestUsers.OPERATOR, PW, Map.of("source", "src", "destination", "dst",
        "chunkSize", 500, "tables", List.of(
            Map.of("name", "shop.items", "where", "price > 10 and name like 'item%' and lower(note) <> 'x'"),
            Map.of("name", "shop.secret"),
            Map.of("name", "shop.locked"),
            Map.of("name", "shop.slow", "primaryKey", List.of("id")))));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();

    // Bounded: a comparison that waited on the lock or the slow view would never get here.
    JsonNode done = awaitState(http, id, "COMPLETED_WITH_FAILURES");

    JsonNode items = table(done, "shop.items");
    assertThat(items.get("status").asText()).as(items.toString()).isEqualTo("COMPLETED");
    assertThat(items.get("sourceRows").asLong()).as("the rows with price above 10").isEqualTo(2000 - 40 * 11);
    assertThat(texts(items.get("samples").get("different"))).as("5 has price 5: outside the filter").containsExactly("1520");
    assertThat(texts(items.get("samples").get("missingInDestination"))).containsExactly("1620");
    assertThat(table(done, "shop.secret").get("error").asText()).as("the account lacks SELECT on it").contains("permission denied");
    assertThat(table(done, "shop.locked").get("error").asText()).contains("canceling statement due to lock timeout");
    assertThat(table(done, "shop.slow").get("error").asText()).contains("canceling statement due to statement timeout");
    try (Connection connection = source.getPostgresDatabase().getConnection()) {
      assertThat(queryStrings(connection, "SELECT DISTINCT usename::text FROM pg_stat_activity WHERE application_name = 'rebound-compare'"))
          .as("the pooled comparison sessions are the comparison account's").containsExactly(COMPARE_USER);
    }
  }

  @Test
  void shouldFailOnlyTheTableWhoseFilterNamesAColumnItLacks() {
    TestUsers.create(identity);
    Http http = new Http(port);
    Http.Answer started = http.post("/api/comparisons", TestUsers.OPERATOR, PW, Map.of("source", "src", "destination", "dst",
        "tables", List.of(Map.of("name", "shop.items", "where", "nope > 1 or \"Price\" > 1"))));
    assertThat(started.status()).as(started.body()).isEqualTo(201);

    JsonNode done = awaitState(http, started.json().get("id").asText(), "FAILED");

    assertThat(table(done, "shop.items").get("error").asText())
        .isEqualTo("the WHERE filter names column nope, which is not in the source's shop.items");
  }

  private long runs() {
    return history.createHistoricProcessInstanceQuery().processDefinitionKey(TableCompareProcess.KEY).count();
  }

  private static String tableNames(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add("\"shop.t" + i + "\"");
    }
    return "[" + String.join(", ", names) + "]";
  }

  private static JsonNode awaitState(Http http, String id, String state) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Http.Answer answer = http.get("/api/comparisons/" + id, TestUsers.OPERATOR, PW);
      last[0] = answer.json();
      assertThat(last[0].get("state").asText()).as(answer.body()).isEqualTo(state);
    });
    return last[0];
  }

  private static JsonNode table(JsonNode comparison, String name) {
    for (JsonNode table : comparison.get("tables")) {
      if (table.get("name").asText().equals(name)) {
        return table;
      }
    }
    throw new AssertionError("no table " + name + " in " + comparison);
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static List<String> queryStrings(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  private static Path secret(String value) {
    try {
      Path file = Files.createTempFile("rebound-compare", ".pw");
      file.toFile().deleteOnExit();
      return Files.writeString(file, value + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static EmbeddedPostgres start() {
    try {
      return EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(Connection connection, String... statements) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
