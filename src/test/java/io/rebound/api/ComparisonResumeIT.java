package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.compare.ComparisonStore;
import io.rebound.runbook.ShutdownSignal;
import io.rebound.testsupport.Applications;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application stops in the middle of a large table and starts again on the same engine database: the
 * comparison continues at the first unfinished chunk, and its result is the one an uninterrupted run gives.
 */
class ComparisonResumeIT {

  static final String PW = TestUsers.PASSWORD;

  @Test
  void shouldContinueAtTheFirstUnfinishedChunkAfterARestart() throws Exception {
    try (EmbeddedPostgres engine = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
        EmbeddedPostgres source = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
        EmbeddedPostgres destination = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start()) {
      for (EmbeddedPostgres server : List.of(source, destination)) {
        try (Connection connection = server.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
          statement.execute("CREATE SCHEMA big");
          statement.execute("CREATE TABLE big.events (id bigint PRIMARY KEY, kind text, amount numeric(12,2), at timestamptz)");
          statement.execute("INSERT INTO big.events SELECT i, 'kind ' || (i % 17), i / 100.0, timestamptz '2026-01-01' + i * interval '1 second'"
              + " FROM generate_series(1, 200000) i");
        }
      }
      try (Connection connection = destination.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("UPDATE big.events SET amount = -1 WHERE id IN (150, 99999, 199999)");
        statement.execute("DELETE FROM big.events WHERE id = 123456");
      }
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("spring.datasource.url", engine.getJdbcUrl("postgres", "postgres"));
      properties.put("spring.datasource.username", "postgres");
      properties.put("spring.datasource.password", "");
      properties.put("server.port", "0");
      properties.put("camunda.bpm.job-execution.wait-time-in-millis", "50");
      properties.put("camunda.bpm.job-execution.max-wait", "200");
      for (String side : List.of("src", "dst")) {
        EmbeddedPostgres server = side.equals("src") ? source : destination;
        properties.put("rebound.targets." + side + ".dialect", "postgresql");
        properties.put("rebound.targets." + side + ".url", "jdbc:postgresql://localhost:" + server.getPort() + "/postgres");
        properties.put("rebound.targets." + side + ".username", "postgres");
      }

      String id;
      int doneBeforeStop;
      try (ConfigurableApplicationContext first = Applications.start(properties)) {
        Http http = new Http(Applications.port(first));
        Http.Answer started = http.post("/api/comparisons", TestUsers.OPERATOR, PW, Map.of("source", "src", "destination", "dst",
            "chunkSize", 1000, "tables", List.of("big.events")));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        id = started.json().get("id").asText();
        ComparisonStore store = first.getBean(ComparisonStore.class);
        String run = id;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
            .until(() -> store.table(run, "big.events").chunksDone() >= 40);

        // Stopping begins (the signal is the first thing a shutdown stops): the running job ends its batch
        // and yields to its timer; the job the timer brings while the engine still runs compares nothing.
        first.getBean(ShutdownSignal.class).stop();
        HistoryService history = first.getBean(HistoryService.class);
        long yieldsAtStop = yields(history);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> yields(history) > yieldsAtStop);
        int doneAtFirstYield = store.table(run, "big.events").chunksDone();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> yields(history) > yieldsAtStop + 1);
        assertThat(store.table(run, "big.events").chunksDone()).as("no batch started after the stop began").isEqualTo(doneAtFirstYield);
      }
      try (ConfigurableApplicationContext second = Applications.start(properties)) {
        ComparisonStore store = second.getBean(ComparisonStore.class);
        doneBeforeStop = store.table(id, "big.events").chunksDone();
        assertThat(doneBeforeStop).isBetween(40, 201);
        Http http = new Http(Applications.port(second));
        JsonNode done = awaitCompleted(http, id);
        JsonNode table = done.get("tables").get(0);
        // 200 of 1000 rows, and the ranges before and past the source's keys.
        assertThat(table.get("progress").get("chunksDone").asInt()).isEqualTo(202);
        // One attempt per chunk, plus at most the one that was in flight when the application stopped.
        assertThat(table.get("progress").get("attempts").asLong()).isBetween(202L, 203L);
        assertThat(table.get("sourceRows").asLong()).isEqualTo(200000);
        assertThat(table.get("destinationRows").asLong()).isEqualTo(199999);
        assertThat(texts(table.get("samples").get("different"))).containsExactlyInAnyOrder("150", "99999", "199999");
        assertThat(texts(table.get("samples").get("missingInDestination"))).containsExactly("123456");
      }
    }
  }

  /** How many times the comparison's chunk loop has reached its yield timer. */
  private static long yields(HistoryService history) {
    return history.createHistoricActivityInstanceQuery().activityId("TimerEvent_Yield").count();
  }

  private static JsonNode awaitCompleted(Http http, String id) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      last[0] = http.get("/api/comparisons/" + id, TestUsers.OPERATOR, PW).json();
      assertThat(last[0].get("state").asText()).as(last[0].toString()).isEqualTo("COMPLETED");
    });
    return last[0];
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
