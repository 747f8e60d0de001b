package io.rebound.backup.runbooks;

import static io.rebound.testsupport.Runs.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testsupport.ArchivingPostgres;
import io.rebound.testsupport.BackupBench;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.TestUsers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
 * Both runbooks end to end over HTTP on a real PostgreSQL cluster that archives its WAL and a real S3 server: a FULL
 * backup, rows committed at known times, an INCREMENTAL, more rows, the WAL shipped; then a restore to a point between
 * them, approved by a second person, gives exactly the rows committed before the point, and a restore to latest
 * gives every row shipped.
 */
@EnabledIf("io.rebound.testsupport.ArchivingPostgres#available")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DatabaseBackupEndToEndIT {

  static final BackupBench bench = BackupBench.withArchivingCluster("end-to-end");
  static final ArchivingPostgres cluster = bench.cluster();
  static final String PW = TestUsers.PASSWORD;
  static final String TARGET = "pg";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    bench.register(registry);
    bench.registerCluster(registry, TARGET);
  }

  @AfterAll
  static void stop() throws Exception {
    bench.close();
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @Test
  void shouldRestoreExactlyTheRowsCommittedBeforeThePointAndEveryShippedRowForLatest() throws Exception {
    TestUsers.create(identity);
    Http http = new Http(port);
    bench.sql("CREATE TABLE orders (id int PRIMARY KEY, note text)", "INSERT INTO orders VALUES (1, 'before the FULL'), (2, 'before the FULL')");

    BackupBench.backup(http, TARGET, "FULL");
    bench.sql("INSERT INTO orders VALUES (3, 'after the FULL')", "INSERT INTO orders VALUES (4, 'after the FULL')");
    // A segment closed between the two backups: shipped with the INCREMENTAL, but before where its recovery starts.
    cluster.switchAndArchive();
    BackupBench.backup(http, TARGET, "INCREMENTAL");
    bench.sql("INSERT INTO orders VALUES (5, 'after the INCREMENTAL')", "INSERT INTO orders VALUES (6, 'after the INCREMENTAL')");
    Instant point = serverNowAfterCommits();
    bench.sql("INSERT INTO orders VALUES (7, 'after the point')", "INSERT INTO orders VALUES (8, 'after the point')");
    cluster.switchAndArchive();
    // Two segments more after the one where recovery to the point stops: the first kept, the second never read.
    bench.sql("INSERT INTO orders VALUES (9, 'a segment later')");
    cluster.switchAndArchive();
    bench.sql("INSERT INTO orders VALUES (10, 'two segments later')");
    cluster.switchAndArchive();
    BackupBench.backup(http, TARGET, "LOGS");

    Http.Answer plan = http.get("/api/backups/plan?target=" + TARGET + "&pointInTime=" + point, TestUsers.OPERATOR, PW);
    assertThat(plan.status()).as(plan.body()).isEqualTo(200);
    assertThat(plan.json().get("logBatches").get(0).asText()).as("the batch shipped with the INCREMENTAL")
        .contains("1 left out", "where recovery starts");
    JsonNode batches = plan.json().get("logBatches");
    assertThat(batches.get(batches.size() - 1).asText()).as("the batch shipped after the point")
        .contains("1 left out", "where recovery stops");
    restore(http, point.toString());
    assertThat(bench.ids("orders")).containsExactly(1, 2, 3, 4, 5, 6);

    restore(http, "latest");
    assertThat(bench.ids("orders")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  }

  private void restore(Http http, String point) {
    Http.Answer started = http.post("/api/database-restores", TestUsers.OPERATOR, PW, Map.of("target", TARGET, "pointInTime", point));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true,
        "comment", "point checked"));
    assertThat(approved.status()).as(approved.body()).isBetween(200, 204);
    awaitState(http, id, "COMPLETED");
  }

  /** The server's clock once it is past the last commit, so that the point falls between two commits. */
  private static Instant serverNowAfterCommits() throws SQLException {
    Instant committed = serverNow();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> serverNow().isAfter(committed.plusMillis(500)));
    Instant point = serverNow();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> serverNow().isAfter(point.plusMillis(500)));
    return point;
  }

  private static Instant serverNow() throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT clock_timestamp()")) {
      rows.next();
      return rows.getTimestamp(1).toInstant();
    }
  }
}
