package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupStore;
import io.rebound.backup.BackupType;
import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.LogRequest;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.PointInTimePlanner;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.backup.TakenBackup;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.JobHost;
import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import io.rebound.testsupport.ArchivingPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Physical backups, WAL shipping and point-in-time restores of a real PostgreSQL cluster that archives its WAL,
 * into and out of a real S3 server over HTTP, without the engine.
 */
@EnabledIf("io.rebound.testsupport.ArchivingPostgres#available")
class PostgresPhysicalBackupsIT {

  private static ArchivingPostgres cluster;
  private static S3Server s3;
  private static ObjectStore store;
  private static BackupStore bucket;
  private static Target target;
  private static PostgresPhysicalBackups physical;

  @BeforeAll
  static void start() throws Exception {
    cluster = ArchivingPostgres.start();
    s3 = S3Server.start();
    store = s3.store("physical", new TransferSettings(8 * 1024 * 1024, 4));
    bucket = new BackupStore(store);
    TargetProperties.Backup settings = new TargetProperties.Backup(null, null, null, null, Duration.ZERO, cluster.workDirectory(),
        cluster.archiveDirectory(), cluster.dataDirectory(), cluster.osUser(), null, null, true);
    TargetProperties properties = new TargetProperties(Dialect.POSTGRESQL, cluster.url(), "postgres", null, null, null, null,
        ArchivingPostgres.BIN, null, null, null, null, null, null, null, Duration.ofMinutes(5), null, settings);
    target = new Targets(new ReboundProperties(Map.of("pg", properties), Map.of(), cluster.workDirectory(), null)).get("pg");
    physical = new PostgresPhysicalBackups(cluster.workDirectory(), new JobHost("node-a", "", Duration.ofMillis(200),
        Duration.ofSeconds(10)), () -> store);
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void shouldRestoreExactlyTheRowsCommittedBeforeAPointAndEverythingShippedForLatest() throws Exception {
    // given a FULL backup, a transaction, an INCREMENTAL, another transaction, and the WAL shipped
    execute("CREATE TABLE orders (id int PRIMARY KEY, note text)");
    execute("CREATE TABLE archive_rows AS SELECT i AS id, repeat('x', 200) AS filler FROM generate_series(1, 20000) i");
    BackupManifest full = publish(backup(new BackupRequest("full-1", "full-1", BackupType.FULL, null)));
    execute("INSERT INTO orders VALUES (1, 'after the FULL')");
    Instant afterFirst = serverTime();
    execute("INSERT INTO orders VALUES (2, 'before the INCREMENTAL')");
    BackupManifest incremental = publish(backup(new BackupRequest("incr-1", "incr-1", BackupType.INCREMENTAL, full)));
    execute("INSERT INTO orders VALUES (3, 'after the INCREMENTAL')");
    Instant afterThird = serverTime();
    execute("INSERT INTO orders VALUES (4, 'last shipped')");
    cluster.switchAndArchive();
    LogManifest logs = publish(collect(new LogRequest("logs-1", "logs-1", List.of())));
    CatalogSnapshot catalog = new CatalogSnapshot("pg", Dialect.POSTGRESQL, List.of(full, incremental), List.of(logs));

    // when restoring to a point after the first row, from the FULL alone
    RecoveryPlan beforeIncremental = PointInTimePlanner.plan(catalog, RecoveryPoint.at(afterFirst));
    assertThat(beforeIncremental.backups()).extracting(BackupManifest::id).containsExactly("full-1");
    assertThat(physical.restoreActions(target, beforeIncremental)).anySatisfy(action -> assertThat(action).contains("pg_ctl", "stop"))
        .anySatisfy(action -> assertThat(action).contains("recovery_target_time = '" + RecoverySettings.time(afterFirst) + "'"));
    RestoredPoint first = restore("restore-1", beforeIncremental);

    // then exactly the rows committed before it are there
    assertThat(orderIds()).containsExactly(1);
    assertThat(first.timeline()).isGreaterThan(1);
    assertThat(Files.isDirectory(PhysicalRestore.aside(cluster.dataDirectory(), "restore-1"))).as("the old data directory is kept").isTrue();

    // when restoring to a point after the third row, from the FULL and the INCREMENTAL
    RecoveryPlan afterIncremental = PointInTimePlanner.plan(catalog, RecoveryPoint.at(afterThird));
    assertThat(afterIncremental.backups()).extracting(BackupManifest::id).containsExactly("full-1", "incr-1");
    restore("restore-2", afterIncremental);
    assertThat(orderIds()).containsExactly(1, 2, 3);

    // and to the latest point: everything shipped
    RestoredPoint latest = restore("restore-3", PointInTimePlanner.plan(catalog, RecoveryPoint.latest()));
    assertThat(orderIds()).containsExactly(1, 2, 3, 4);
    assertThat(count("archive_rows")).isEqualTo(20000);
    assertThat(latest.position()).isNotBlank();
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet settings = statement.executeQuery("SELECT count(*) FROM pg_file_settings WHERE name LIKE 'recovery_target%'"
            + " OR name = 'restore_command'")) {
      settings.next();
      assertThat(settings.getInt(1)).as("the recovery settings are gone once promoted").isZero();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static TakenBackup backup(BackupRequest request) {
    return done(() -> physical.backup(target, request));
  }

  private static CollectedLogs collect(LogRequest request) {
    return done(() -> physical.collectLogs(target, request));
  }

  private static RestoredPoint restore(String jobKey, RecoveryPlan plan) {
    return done(() -> physical.restore(target, new RestoreRequest(jobKey, plan)));
  }

  private static <T> T done(Supplier<PhysicalJob<T>> poll) {
    List<PhysicalJob<T>> last = new ArrayList<>();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
      PhysicalJob<T> job = poll.get();
      last.add(0, job);
      return job.isDone();
    });
    PhysicalJob<T> job = last.get(0);
    assertThat(job.state()).as("job failed: %s", job.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    return job.result();
  }

  private static BackupManifest publish(TakenBackup taken) throws Exception {
    return bucket.publish(taken.manifest(), taken.files());
  }

  private static LogManifest publish(CollectedLogs collected) throws Exception {
    assertThat(collected.gaps()).isEmpty();
    return bucket.publish(collected.batch().orElseThrow(), collected.files());
  }

  static void execute(String sql) throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  static Instant serverTime() throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")) {
      row.next();
      return Instant.parse(row.getString(1));
    }
  }

  static List<Integer> orderIds() throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id FROM orders ORDER BY id")) {
      while (rows.next()) {
        ids.add(rows.getInt(1));
      }
    }
    return ids;
  }

  static long count(String table) throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
