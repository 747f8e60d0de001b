package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The table-compare process over HTTP, between two real PostgreSQL servers, the engine on a third. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ComparisonIT {

  static final EmbeddedPostgres engine = start();
  static final EmbeddedPostgres source = start();
  static final EmbeddedPostgres destination = start();
  static final String PW = TestUsers.PASSWORD;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> engine.getJdbcUrl("postgres", "postgres"));
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "");
    registry.add("camunda.bpm.job-execution.wait-time-in-millis", () -> "50");
    registry.add("camunda.bpm.job-execution.max-wait", () -> "200");
    registry.add("rebound.steps.retry-cycle", () -> "R2/PT1S");
    for (String side : List.of("src", "dst")) {
      EmbeddedPostgres server = side.equals("src") ? source : destination;
      registry.add("rebound.targets." + side + ".dialect", () -> "postgresql");
      registry.add("rebound.targets." + side + ".url", () -> "jdbc:postgresql://localhost:" + server.getPort() + "/postgres");
      registry.add("rebound.targets." + side + ".username", () -> "postgres");
    }
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @BeforeAll
  static void createTables() throws SQLException {
    for (EmbeddedPostgres server : List.of(source, destination)) {
      try (Connection connection = server.getPostgresDatabase().getConnection()) {
        run(connection, "CREATE SCHEMA shop",
            "CREATE TABLE shop.items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), note text)",
            "INSERT INTO shop.items SELECT i, 'item ' || i, (i % 1000) / 10.0, CASE WHEN i % 3 = 0 THEN NULL ELSE 'n' || i END"
                + " FROM generate_series(1, 20000) i",
            "CREATE TABLE shop.lines (order_id int, line_no int, qty int, PRIMARY KEY (order_id, line_no))",
            "INSERT INTO shop.lines SELECT o, l, o * l FROM generate_series(1, 500) o, generate_series(1, 6) l");
      }
    }
    try (Connection connection = source.getPostgresDatabase().getConnection()) {
      run(connection, "CREATE TABLE shop.only_in_source (id int PRIMARY KEY, v text)", "INSERT INTO shop.only_in_source VALUES (1, 'a'), (2, 'b')");
    }
    try (Connection connection = destination.getPostgresDatabase().getConnection()) {
      run(connection, "DELETE FROM shop.items WHERE id IN (3, 4000)",
          "INSERT INTO shop.items VALUES (30001, 'extra', 1, NULL)",
          "UPDATE shop.items SET note = 'changed' WHERE id IN (11, 17000)",
          "UPDATE shop.lines SET qty = 0 WHERE order_id = 250 AND line_no = 6");
    }
  }

  @Test
  void shouldCompareTablesReportFailuresAndRetryOnlyTheFailedOnes() throws Exception {
    TestUsers.create(identity);
    Http http = new Http(port);
    Http.Answer started = http.post("/api/comparisons", TestUsers.OPERATOR, PW, Map.of(
        "source", "src", "destination", "dst", "chunkSize", 1000, "parallelism", 2, "maxReportedDifferences", 10,
        "tables", List.of(Map.of("name", "shop.items"), Map.of("name", "shop.lines", "primaryKey", List.of("order_id", "line_no")),
            Map.of("name", "shop.only_in_source"), Map.of("name", "shop.items_filtered_view_missing", "where", "id < 10"))));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();

    JsonNode done = awaitState(http, id, "COMPLETED_WITH_FAILURES");
    assertThat(done.get("identical").asBoolean()).isFalse();
    JsonNode listed = null;
    for (JsonNode comparison : http.get("/api/comparisons", TestUsers.APPROVER, PW).json()) {
      listed = comparison.get("id").asText().equals(id) ? comparison : listed;
    }
    assertThat(listed).as("the comparison in GET /api/comparisons").isNotNull();
    assertThat(listed.get("state").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
    assertThat(listed.get("identical").asBoolean()).isFalse();
    assertThat(listed.get("tables").get(0).has("samples")).isFalse();
    assertThat(http.get("/api/comparisons", TestUsers.OUTSIDER, PW).status()).isEqualTo(403);
    JsonNode run = http.get("/api/runs/" + id, TestUsers.OPERATOR, PW).json();
    assertThat(run.get("run").get("progress").asInt()).as("every chunk of the tables that could be split").isEqualTo(100);
    assertThat(run.get("run").get("target").asText()).isEqualTo("dst");
    assertThat(run.get("comparison").get("identical").asBoolean()).isFalse();
    assertThat(http.get("/api/comparisons?max=0", TestUsers.OPERATOR, PW).status()).isEqualTo(400);

    JsonNode items = table(done, "shop.items");
    assertThat(items.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(items.get("sourceRows").asLong()).isEqualTo(20000);
    assertThat(items.get("destinationRows").asLong()).isEqualTo(19999);
    assertThat(texts(items.get("samples").get("missingInDestination"))).containsExactlyInAnyOrder("3", "4000");
    assertThat(texts(items.get("samples").get("missingInSource"))).containsExactly("30001");
    assertThat(texts(items.get("samples").get("different"))).containsExactlyInAnyOrder("11", "17000");
    assertThat(items.get("progress").get("chunksDone").asInt()).as("20 of 1000 rows, and the ranges before and past the source's keys")
        .isEqualTo(items.get("progress").get("chunksTotal").asInt()).isEqualTo(22);
    assertThat(items.get("bytesRead").get("source").asLong()).isPositive();
    JsonNode lines = table(done, "shop.lines");
    assertThat(texts(lines.get("samples").get("different"))).containsExactly("(250, 6)");
    JsonNode missing = table(done, "shop.only_in_source");
    assertThat(missing.get("status").asText()).isEqualTo("FAILED");
    assertThat(missing.get("error").asText()).contains("does not exist");
    assertThat(table(done, "shop.items_filtered_view_missing").get("status").asText()).isEqualTo("FAILED");
    long itemsAttempts = items.get("progress").get("attempts").asLong();

    try (Connection connection = destination.getPostgresDatabase().getConnection()) {
      run(connection, "CREATE TABLE shop.only_in_source (id int PRIMARY KEY, v text)", "INSERT INTO shop.only_in_source VALUES (1, 'a')",
          "CREATE TABLE shop.items_filtered_view_missing (id int PRIMARY KEY)");
    }
    try (Connection connection = source.getPostgresDatabase().getConnection()) {
      run(connection, "CREATE TABLE shop.items_filtered_view_missing (id int PRIMARY KEY)");
    }
    // Someone who may not compare learns nothing from a retry, not even whether the comparison exists.
    Http.Answer outsiderKnown = http.post("/api/comparisons/" + id + "/retry-failed", TestUsers.OUTSIDER, PW, Map.of());
    Http.Answer outsiderUnknown = http.post("/api/comparisons/no-such-comparison/retry-failed", TestUsers.OUTSIDER, PW, Map.of());
    assertThat(outsiderKnown.status()).as(outsiderKnown.body()).isEqualTo(403);
    assertThat(outsiderUnknown.status()).isEqualTo(403);
    assertThat(outsiderUnknown.body()).isEqualTo(outsiderKnown.body());
    Http.Answer retry = http.post("/api/comparisons/" + id + "/retry-failed", TestUsers.OPERATOR, PW, Map.of());
    assertThat(retry.status()).as(retry.body()).isEqualTo(202);

    JsonNode retried = awaitState(http, id, "COMPLETED");
    JsonNode fixed = table(retried, "shop.only_in_source");
    assertThat(fixed.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(texts(fixed.get("samples").get("missingInDestination"))).containsExactly("2");
    assertThat(table(retried, "shop.items").get("progress").get("attempts").asLong()).as("completed tables are not compared again")
        .isEqualTo(itemsAttempts);
    assertThat(http.post("/api/comparisons/" + id + "/retry-failed", TestUsers.OPERATOR, PW, Map.of()).status()).isEqualTo(400);
  }

  @Test
  void shouldCompareWithAnotherNameShowTheColumnsThatDifferAndReportInMarkdown() throws Exception {
    try (Connection connection = destination.getPostgresDatabase().getConnection()) {
      run(connection, "CREATE TABLE shop.lines_2025 AS SELECT * FROM shop.lines", "ALTER TABLE shop.lines_2025 ADD PRIMARY KEY (order_id, line_no)",
          "UPDATE shop.lines_2025 SET qty = 1 WHERE order_id = 5 AND line_no = 1");
    }
    TestUsers.create(identity);
    Http http = new Http(port);
    Http.Answer started = http.post("/api/comparisons", TestUsers.OPERATOR, PW, Map.of("source", "src", "destination", "dst", "chunkSize", 1000,
        "tables", List.of(Map.of("name", "shop.items"), Map.of("name", "shop.lines", "destinationName", "shop.lines_2025"))));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();

    JsonNode done = awaitState(http, id, "COMPLETED");
    assertThat(done.get("verdict").asText()).isEqualTo("DIFFERENT: 2 tables differ");
    JsonNode items = table(done, "shop.items");
    assertThat(items.has("destinationName")).isFalse();
    List<String> itemColumns = new java.util.ArrayList<>();
    items.get("columnsDiffering").forEach(row -> row.get("columns").forEach(c -> itemColumns.add(row.get("key").asText() + " "
        + c.get("column").asText() + ": " + c.get("source").asText() + " -> " + c.get("destination").asText())));
    assertThat(itemColumns).containsExactlyInAnyOrder("11 note: n11 -> changed", "17000 note: n17000 -> changed");
    JsonNode lines = table(done, "shop.lines");
    assertThat(lines.get("destinationName").asText()).isEqualTo("shop.lines_2025");
    assertThat(texts(lines.get("samples").get("different"))).containsExactlyInAnyOrder("(250, 6)", "(5, 1)");
    JsonNode listed = http.get("/api/comparisons", TestUsers.OPERATOR, PW).json();
    for (JsonNode comparison : listed) {
      comparison.get("tables").forEach(t -> assertThat(t.has("columnsDiffering")).as("a list without the rows").isFalse());
    }
    assertThat(done.get("links").get("report").asText()).isEqualTo("/api/comparisons/" + id + "/report?format=md");

    Http.Answer report = http.get("/api/comparisons/" + id + "/report?format=md", TestUsers.APPROVER, PW);
    assertThat(report.status()).as(report.body()).isEqualTo(200);
    assertThat(report.body()).contains("# Comparison " + id, "| Verdict | DIFFERENT: 2 tables differ |", "| Source | src |",
        "| shop.lines | shop.lines_2025 | COMPLETED | 3000 | 3000 | 0 | 0 | 2 |", "| `11` | note | `n11` | `changed` |",
        "| `(5, 1)` | qty | `5` | `1` |");
    Http.Answer html = http.get("/api/comparisons/" + id + "/report?format=html", TestUsers.APPROVER, PW);
    assertThat(html.status()).as(html.body()).isEqualTo(400);
    assertThat(html.json().get("message").asText()).isEqualTo("'format' must be md (Markdown), not 'html'");
    assertThat(http.get("/api/comparisons/no-such/report?format=md", TestUsers.APPROVER, PW).status()).isEqualTo(404);
    assertThat(http.get("/api/comparisons/" + id + "/report?format=md", TestUsers.OUTSIDER, PW).status()).isEqualTo(403);
  }

  @Test
  void shouldRefuseBadComparisonInputs() {
    TestUsers.create(identity);
    Http http = new Http(port);
    for (Map<String, Object> body : List.of(
        Map.<String, Object>of("source", "src", "destination", "nowhere", "tables", List.of("shop.items")),
        Map.<String, Object>of("source", "src", "destination", "dst", "tables", List.of("items")),
        Map.<String, Object>of("source", "src", "destination", "dst", "tables", List.of(Map.of("name", "shop.items", "where", "1=1; DELETE FROM shop.items"))),
        Map.<String, Object>of("source", "src", "destination", "dst", "tables", List.of("shop.items"), "parallelism", 99),
        Map.<String, Object>of("source", "src", "destination", "dst", "tables", List.of(Map.of("name", "shop.items", "destinationName", "items"))))) {
      Http.Answer answer = http.post("/api/comparisons", TestUsers.OPERATOR, PW, body);
      assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    }
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
    List<String> values = new java.util.ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static EmbeddedPostgres start() {
    try {
      return EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
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
