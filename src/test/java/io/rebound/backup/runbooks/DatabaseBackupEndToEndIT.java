package io.rebound.backup.runbooks;

import static io.rebound.testsupport.Runs.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.storage.S3Server;
import io.rebound.testsupport.ArchivingPostgres;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  static final PostgresServers servers = new PostgresServers();
  static final S3Server s3 = BackupApiIT.start();
  static final ArchivingPostgres cluster = cluster();
  static final String PW = TestUsers.PASSWORD;
  static final String TARGET = "pg";

  static ArchivingPostgres cluster() {
    try {
      return ArchivingPostgres.available() ? ArchivingPostgres.start() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
    registry.add("rebound.storage.s3.endpoint", () -> s3.endpoint().toString());
    registry.add("rebound.storage.s3.region", () -> "us-east-1");
    registry.add("rebound.storage.s3.bucket", () -> S3Server.BUCKET);
    registry.add("rebound.storage.s3.prefix", () -> "end-to-end");
    registry.add("rebound.storage.s3.path-style-access", () -> "true");
    registry.add("rebound.storage.s3.access-key-id", () -> S3Server.ACCESS_KEY);
    registry.add("rebound.storage.s3.secret-access-key", () -> S3Server.SECRET_KEY);
    String prefix = "rebound.targets." + TARGET + ".";
    registry.add(prefix + "dialect", () -> "postgresql");
    registry.add(prefix + "url", cluster::url);
    registry.add(prefix + "username", () -> "postgres");
    registry.add(prefix + "bin-directory", ArchivingPostgres.BIN::toString);
    registry.add(prefix + "backup.archive-directory", () -> cluster.archiveDirectory().toString());
    registry.add(prefix + "backup.data-directory", () -> cluster.dataDirectory().toString());
    registry.add(prefix + "backup.work-directory", () -> cluster.workDirectory().toString());
    registry.add(prefix + "backup.os-user", cluster::osUser);
    registry.add(prefix + "backup.local-archive-retention", () -> "PT0S");
    registry.add(prefix + "backup.archive-shipping-interval", () -> "PT6H");
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @Test
  void shouldRestoreExactlyTheRowsCommittedBeforeThePointAndEveryShippedRowForLatest() throws Exception {
    TestUsers.create(identity);
    Http http = new Http(port);
    sql("CREATE TABLE orders (id int PRIMARY KEY, note text)", "INSERT INTO orders VALUES (1, 'before the FULL'), (2, 'before the FULL')");

    backup(http, "FULL");
    sql("INSERT INTO orders VALUES (3, 'after the FULL')", "INSERT INTO orders VALUES (4, 'after the FULL')");
    backup(http, "INCREMENTAL");
    sql("INSERT INTO orders VALUES (5, 'after the INCREMENTAL')", "INSERT INTO orders VALUES (6, 'after the INCREMENTAL')");
    Instant point = serverNowAfterCommits();
    sql("INSERT INTO orders VALUES (7, 'after the point')", "INSERT INTO orders VALUES (8, 'after the point')");
    cluster.switchAndArchive();
    backup(http, "LOGS");

    restore(http, point.toString());
    assertThat(ids()).containsExactly(1, 2, 3, 4, 5, 6);

    restore(http, "latest");
    assertThat(ids()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  private void backup(Http http, String type) {
    Http.Answer started = http.post("/api/backups", TestUsers.OPERATOR, PW, Map.of("target", TARGET, "type", type));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    awaitState(http, started.json().get("id").asText(), "COMPLETED");
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

  private static void sql(String... statements) throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static List<Integer> ids() throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id FROM orders ORDER BY id")) {
      while (rows.next()) {
        ids.add(rows.getInt(1));
      }
    }
    return ids;
  }
}
