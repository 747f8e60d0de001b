package io.rebound.testsupport;

import static io.rebound.testsupport.Runs.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.storage.S3Server;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the backup, restore and recovery runbooks are tested against over HTTP, one per test class: the application's
 * PostgreSQL servers ({@link PostgresServers}), a real S3 server whose bucket holds the backups under a prefix of the
 * class's own, and, for the end-to-end tests, a PostgreSQL cluster that archives its WAL ({@link ArchivingPostgres}),
 * configured as a target the way a DBA sets one up for physical backups.
 */
public final class BackupBench implements AutoCloseable {

  private final PostgresServers servers = new PostgresServers();
  private final S3Server s3;
  private final String prefix;
  private final ArchivingPostgres cluster;

  private BackupBench(String prefix, boolean withCluster) {
    this.prefix = prefix;
    try {
      s3 = S3Server.start();
      cluster = withCluster && ArchivingPostgres.available() ? ArchivingPostgres.start() : null;
    } catch (Exception e) {
      throw new IllegalStateException("the backup bench did not start: " + e.getMessage(), e);
    }
  }

  /** The application's servers and a bucket, the backups under {@code prefix}. */
  public static BackupBench withBucket(String prefix) {
    return new BackupBench(prefix, false);
  }

  /** The same and a cluster that archives its WAL; none where {@link ArchivingPostgres#available()} says it cannot run. */
  public static BackupBench withArchivingCluster(String prefix) {
    return new BackupBench(prefix, true);
  }

  public S3Server s3() {
    return s3;
  }

  /** The archiving cluster; null on a bench without one. */
  public ArchivingPostgres cluster() {
    return cluster;
  }

  /** The application's settings: the engine database and targets of {@link PostgresServers}, and the bucket. */
  public void register(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
    registry.add("rebound.storage.s3.endpoint", () -> s3.endpoint().toString());
    registry.add("rebound.storage.s3.region", () -> "us-east-1");
    registry.add("rebound.storage.s3.bucket", () -> S3Server.BUCKET);
    registry.add("rebound.storage.s3.prefix", () -> prefix);
    registry.add("rebound.storage.s3.path-style-access", () -> "true");
    registry.add("rebound.storage.s3.access-key-id", () -> S3Server.ACCESS_KEY);
    registry.add("rebound.storage.s3.secret-access-key", () -> S3Server.SECRET_KEY);
  }

  /**
   * The archiving cluster as the PostgreSQL target {@code target}: its data, archive and work directories, the operating
   * system user its files belong to, archived WAL deleted locally as soon as it is shipped, and shipping left to the runs (not as WAL arrives).
   */
  public void registerCluster(DynamicPropertyRegistry registry, String target) {
    String settings = "rebound.targets." + target + ".";
    registry.add(settings + "dialect", () -> "postgresql");
    registry.add(settings + "url", cluster::url);
    registry.add(settings + "username", () -> "postgres");
    registry.add(settings + "bin-directory", ArchivingPostgres.BIN::toString);
    registry.add(settings + "backup.archive-directory", () -> cluster.archiveDirectory().toString());
    registry.add(settings + "backup.data-directory", () -> cluster.dataDirectory().toString());
    registry.add(settings + "backup.work-directory", () -> cluster.workDirectory().toString());
    registry.add(settings + "backup.os-user", cluster::osUser);
    registry.add(settings + "backup.local-archive-retention", () -> "PT0S");
    registry.add(settings + "backup.archive-shipping-interval", () -> "PT6H");
    registry.add(settings + "backup.ship-on-arrival", () -> "false");
  }

  /** Takes a backup of {@code target} over the API as an operator ({@code FULL}, {@code INCREMENTAL}, {@code LOGS}) and waits for its run to complete. */
  public static void backup(Http http, String target, String type) {
    Http.Answer started = http.post("/api/backups", TestUsers.OPERATOR, TestUsers.PASSWORD, Map.of("target", target, "type", type));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    awaitState(http, started.json().get("id").asText(), "COMPLETED");
  }

  /** Runs statements on the archiving cluster, each committed. */
  public void sql(String... statements) throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /** The ids of a table on the archiving cluster, in order. */
  public List<Integer> ids(String table) throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
      while (rows.next()) {
        ids.add(rows.getInt(1));
      }
    }
    return ids;
  }

  /** Stops the cluster and the S3 server; the application's servers end with the test JVM, as they always do. */
  @Override
  public void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    s3.close();
  }
}
