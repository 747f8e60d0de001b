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
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.DetachedWorkers;
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

  static final DetachedWorkers workers = new DetachedWorkers();

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
    physical = new PostgresPhysicalBackups(cluster.workDirectory(), new DetachedJobs(new JobHost("node-a", "", Duration.ofMillis(200),
        Duration.ofSeconds(10)), workers), () -> store);
  }

  @AfterAll
  static void stop() throws Exception {
    workers.close();
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
    // Frozen and checkpointed: nothing (hint bits, autovacuum) writes to it again, so its file does not change.
    execute("VACUUM FREEZE archive_rows");
    execute("CHECKPOINT");
    String unchanged = query("SELECT pg_relation_filepath('archive_rows')");
    BackupManifest full = publish(backup(new BackupRequest("full-1", "full-1", BackupType.FULL, null)));
    execute("INSERT INTO orders VALUES (1, 'after the FULL')");
    Instant afterFirst = serverTime();
    execute("INSERT INTO orders VALUES (2, 'before the INCREMENTAL')");
    TakenBackup taken = backup(new BackupRequest("incr-1", "incr-1", BackupType.INCREMENTAL, full));
    assertIncrementalHoldsOnlyChangedFiles(taken, unchanged, query("SELECT pg_relation_filepath('orders')"));
    BackupManifest incremental = publish(taken);
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

  @Test
  void shouldAttachToTheBackupOfItsJobAndNeverTakeASecond() throws Exception {
    long checkpoints = requestedCheckpoints();
    BackupRequest request = new BackupRequest("full-once", "full-once", BackupType.FULL, null);

    // when the step starts the backup and polls it, as a retry or a second node would
    PhysicalJob<TakenBackup> first = physical.backup(target, request);
    PhysicalJob<TakenBackup> second = physical.backup(target, request);
    TakenBackup taken = backup(request);
    PhysicalJob<TakenBackup> afterwards = physical.backup(target, request);

    // then one backup was taken, and every later call finds that one
    assertThat(first.startedNow()).isTrue();
    assertThat(second.startedNow()).isFalse();
    assertThat(afterwards.startedNow()).isFalse();
    assertThat(afterwards.result().manifest()).isEqualTo(taken.manifest());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(requestedCheckpoints()).isEqualTo(checkpoints + 1));
    try (var files = Files.list(cluster.workDirectory().resolve("full-once"))) {
      assertThat(files.map(file -> file.getFileName().toString())).filteredOn(name -> name.startsWith("start-")).containsExactly("start-1");
    }
  }

  @Test
  void shouldWaitForABackupAnotherNodeRunsAndTakeItOverOnlyOnceThatNodeIsGone() throws Exception {
    PostgresPhysicalBackups shortLived = new PostgresPhysicalBackups(cluster.workDirectory(), new DetachedJobs(new JobHost("node-a", "",
        Duration.ofMillis(100), Duration.ofSeconds(2)), workers), () -> store);
    BackupRequest request = new BackupRequest("taken-over", "taken-over", BackupType.FULL, null);
    Path job = cluster.workDirectory().resolve("taken-over");
    Files.createDirectories(job);
    String otherNode = "host=node-b\nboot=\npid=4242\nstarted=\n";
    Files.writeString(job.resolve("start-1"), otherNode);
    Files.writeString(job.resolve("pid"), otherNode);
    Files.writeString(job.resolve("heartbeat"), Instant.now().toString());
    long checkpoints = requestedCheckpoints();

    // when node-b's heartbeat is fresh, node-a only attaches
    PhysicalJob<TakenBackup> whileAlive = shortLived.backup(target, request);
    assertThat(whileAlive.state()).isEqualTo(PhysicalJob.State.RUNNING);
    assertThat(whileAlive.startedNow()).isFalse();
    assertThat(whileAlive.host()).isEqualTo("node-b");

    // and once it is stale, node-a takes the backup, once
    await().atMost(Duration.ofSeconds(30)).until(() -> shortLived.backup(target, request).startedNow());
    TakenBackup taken = PolledJobs.succeeded(() -> shortLived.backup(target, request));
    assertThat(taken.manifest().id()).isEqualTo("taken-over");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(requestedCheckpoints()).isEqualTo(checkpoints + 1));
    assertThat(shortLived.backup(target, request).result().manifest()).isEqualTo(taken.manifest());
  }

  private static long requestedCheckpoints() throws SQLException {
    return Long.parseLong(query("SELECT checkpoints_req FROM pg_stat_bgwriter"));
  }

  /** The INCREMENTAL's tar holds the files whose bytes changed since the FULL; its list names every file. */
  private static void assertIncrementalHoldsOnlyChangedFiles(TakenBackup incremental, String unchanged, String changed)
      throws Exception {
    Path pieces = incremental.files().get(0).getParent();
    FileList list = FileList.read(pieces.resolve(FileList.NAME));
    FileList parent = FileList.read(cluster.workDirectory().resolve("incr-1").resolve("parent-" + FileList.NAME));
    List<String> copied = new ArrayList<>();
    Path laid = Files.createTempDirectory("incremental");
    Tar.extract(pieces.resolve(BaseBackup.TAR), laid, (path, directory) -> {
      if (!directory) {
        copied.add(path);
      }
    });
    PhysicalRestore.delete(laid);
    assertThat(list.files()).containsKeys(unchanged, changed);
    assertThat(copied).contains(changed, "global/pg_control").doesNotContain(unchanged);
    assertThat(copied).allSatisfy(path -> assertThat(parent.file(path)).as(path + " is new or changed")
        .isNotEqualTo(list.file(path)));
    assertThat(list.files().keySet()).as("unchanged files keep the parent's checksum")
        .filteredOn(path -> !copied.contains(path)).allSatisfy(path -> assertThat(list.file(path)).isEqualTo(parent.file(path)));
    assertThat(copied.size()).isLessThan(list.files().size() / 4);
  }

  // ---------------------------------------------------------------- helpers

  static String query(String sql) throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  private static TakenBackup backup(BackupRequest request) {
    return PolledJobs.succeeded(() -> physical.backup(target, request));
  }

  private static CollectedLogs collect(LogRequest request) {
    return PolledJobs.succeeded(() -> physical.collectLogs(target, request));
  }

  private static RestoredPoint restore(String jobKey, RecoveryPlan plan) {
    return PolledJobs.succeeded(() -> physical.restore(target, new RestoreRequest(jobKey, plan)));
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
