package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupStore;
import io.rebound.backup.BackupType;
import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.LogRequest;
import io.rebound.backup.Piece;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.PointInTimePlanner;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.backup.TakenBackup;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.DetachedProcess;
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
 * Backups by {@code pg_basebackup} of a real PostgreSQL cluster that archives its WAL, for a target that names no data
 * directory: the FULL over the replication protocol as a user authenticated by password (scram-sha-256, so the
 * password file is what lets it in), the INCREMENTAL as the archived WAL since its parent; both restored on the
 * database host through a target that names the data directory, to a point between them and to the latest.
 */
@EnabledIf("io.rebound.testsupport.ArchivingPostgres#available")
class PgBasebackupIT {

  private static final String BACKUP_USER = "backup_admin";
  private static final String PASSWORD = "pa:ss\\word with spaces";

  private static ArchivingPostgres cluster;
  private static S3Server s3;
  private static ObjectStore store;
  private static BackupStore bucket;
  private static Target remote;
  private static Target host;
  private static PostgresPhysicalBackups physical;

  @BeforeAll
  static void start() throws Exception {
    cluster = ArchivingPostgres.start();
    s3 = S3Server.start();
    store = s3.store("basebackup", new TransferSettings(8 * 1024 * 1024, 4));
    bucket = new BackupStore(store);
    execute("CREATE ROLE " + BACKUP_USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD.replace("'", "''") + "'");
    execute("CREATE ROLE no_replication LOGIN");
    Path hba = cluster.dataDirectory().resolve("pg_hba.conf");
    Files.writeString(hba, "host replication " + BACKUP_USER + " 127.0.0.1/32 scram-sha-256\n"
        + "host replication " + BACKUP_USER + " ::1/128 scram-sha-256\n"
        + "host all " + BACKUP_USER + " 127.0.0.1/32 scram-sha-256\n"
        + "host all " + BACKUP_USER + " ::1/128 scram-sha-256\n" + Files.readString(hba));
    execute("SELECT pg_reload_conf()");

    TargetProperties.Backup remoteSettings = new TargetProperties.Backup(null, null, null, null, Duration.ZERO, cluster.workDirectory(),
        cluster.archiveDirectory(), null, cluster.osUser(), null, null, true, TargetProperties.Backup.Method.PG_BASEBACKUP);
    TargetProperties.Backup hostSettings = new TargetProperties.Backup(null, null, null, null, Duration.ZERO, cluster.workDirectory(),
        cluster.archiveDirectory(), cluster.dataDirectory(), cluster.osUser(), null, null, true);
    Targets targets = new Targets(new ReboundProperties(Map.of(
        "remote", target(BACKUP_USER, PASSWORD, remoteSettings),
        "host", target("postgres", null, hostSettings)), Map.of(), cluster.workDirectory(), null));
    remote = targets.get("remote");
    host = targets.get("host");
    physical = new PostgresPhysicalBackups(cluster.workDirectory(), new DetachedJobs(new JobHost("node-a", "", Duration.ofMillis(200),
        Duration.ofSeconds(10)), new DetachedWorkers()), () -> store);
  }

  private static TargetProperties target(String user, String password, TargetProperties.Backup settings) {
    return new TargetProperties(Dialect.POSTGRESQL, cluster.url(), user, password, null, null, null, ArchivingPostgres.BIN, null, null,
        null, null, null, null, null, Duration.ofMinutes(5), null, settings);
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
  void shouldRestoreAFullByPgBasebackupToAPointAndItsWalIncrementalToTheLatest() throws Exception {
    // given a FULL by pg_basebackup of a target without a data directory, rows committed after it, an INCREMENTAL of
    // the WAL since the FULL, another row, and the WAL shipped
    execute("CREATE TABLE orders (id int PRIMARY KEY, note text)");
    execute("INSERT INTO orders SELECT i, 'before the FULL' FROM generate_series(100, 5099) i");
    TakenBackup takenFull = backup(remote, new BackupRequest("bb-full", "bb-full", BackupType.FULL, null));
    assertThat(takenFull.files()).extracting(file -> file.getFileName().toString())
        .containsExactly(BaseBackup.TAR, FileList.NAME, BaseBackup.LABEL);
    Path job = cluster.workDirectory().resolve("bb-full");
    assertThat(job.resolve(RemoteBackups.RUN).resolve(RemoteBackups.PASSWORD_FILE)).as("the password file is removed once"
        + " pg_basebackup ends").doesNotExist();
    assertThat(job.resolve(RemoteBackups.OUTPUT)).doesNotExist();
    assertThat(String.join("\n", new DetachedProcess(job.resolve(RemoteBackups.RUN)).logLines())).contains("base backup completed")
        .doesNotContain(PASSWORD);
    FileList list = FileList.read(takenFull.files().get(1));
    assertThat(list.files().keySet()).as("the WAL from start to end is part of the backup, marked archived")
        .anyMatch(path -> path.matches("pg_wal/[0-9A-F]{24}"))
        .anyMatch(path -> path.matches("pg_wal/archive_status/[0-9A-F]{24}\\.done"))
        .contains("global/pg_control", "PG_VERSION")
        .doesNotContain(BaseBackup.LABEL, BaseBackup.TABLESPACE_MAP);
    BackupManifest full = publish(takenFull);
    assertThat(full.timeline()).isEqualTo(1);
    assertThat(WalNames.lsn(full.endPosition())).isGreaterThanOrEqualTo(WalNames.lsn(full.startPosition()));
    assertThat(full.databaseIdentity()).isEqualTo(query("SELECT system_identifier::text FROM pg_control_system()"));

    execute("INSERT INTO orders VALUES (1, 'after the FULL')");
    Instant afterFirst = serverTime();
    execute("INSERT INTO orders VALUES (2, 'before the INCREMENTAL')");
    BackupManifest incremental = publish(backup(remote, new BackupRequest("bb-incr", "bb-incr", BackupType.INCREMENTAL, full)));
    assertThat(incremental.parentId()).isEqualTo("bb-full");
    assertThat(incremental.startPosition()).as("recovery starts from the FULL's backup_label").isEqualTo(full.startPosition());
    assertThat(incremental.pieces().get(0).name()).as("the WAL since the FULL's end")
        .isEqualTo(WalNames.segmentName(1, WalNames.lsn(full.endPosition()), 16 * 1024 * 1024));
    assertThat(incremental.pieces()).extracting(Piece::name).isNotEmpty().allMatch(WalNames::isSegment);
    assertThat(RemoteBackups.isWalOnly(incremental)).isTrue();
    execute("INSERT INTO orders VALUES (3, 'after the INCREMENTAL')");
    cluster.switchAndArchive();
    LogManifest logs = publish(collect(new LogRequest("bb-logs", "bb-logs", List.of())));
    CatalogSnapshot catalog = new CatalogSnapshot("remote", Dialect.POSTGRESQL, List.of(full, incremental), List.of(logs));

    // when restoring on the host to a point after the first row: the FULL alone
    RecoveryPlan toPoint = PointInTimePlanner.plan(catalog, RecoveryPoint.at(afterFirst));
    assertThat(toPoint.backups()).extracting(BackupManifest::id).containsExactly("bb-full");
    restore("bb-restore-1", toPoint);

    // then exactly the rows committed before the point are there
    assertThat(orderIds()).hasSize(5001).contains(1).doesNotContain(2, 3);

    // when restoring to the latest point: the FULL and the WAL of the INCREMENTAL, replayed, then the shipped WAL
    RecoveryPlan latest = PointInTimePlanner.plan(catalog, RecoveryPoint.latest());
    assertThat(latest.backups()).extracting(BackupManifest::id).containsExactly("bb-full", "bb-incr");
    assertThat(physical.restoreActions(host, latest))
        .anySatisfy(action -> assertThat(action).startsWith("lay down FULL backup bb-full"))
        .anySatisfy(action -> assertThat(action).startsWith("replay the WAL of INCREMENTAL backup bb-incr")
            .contains("segments put with the downloaded WAL"))
        .anySatisfy(action -> assertThat(action).startsWith("write backup_label of backup bb-full"));
    RestoredPoint reached = restore("bb-restore-2", latest);
    assertThat(incremental.pieces()).as("the INCREMENTAL's segments were offered to recovery with the shipped WAL")
        .allSatisfy(piece -> assertThat(PhysicalRestore.walDirectory(cluster.workDirectory().resolve("bb-restore-2"))
            .resolve(piece.name())).exists());

    // then every row is there
    assertThat(orderIds()).hasSize(5003).contains(1, 2, 3);
    assertThat(reached.timeline()).isGreaterThan(1);
  }

  @Test
  void shouldRefuseAUserWithoutReplicationBeforeAnythingRuns() throws Exception {
    Target refused = new Targets(new ReboundProperties(Map.of("refused", target("no_replication", null,
        remote.properties().backup())), Map.of(), cluster.workDirectory(), null)).get("refused");

    assertThatThrownBy(() -> physical.backup(refused, new BackupRequest("bb-refused", "bb-refused", BackupType.FULL, null)))
        .hasMessageContaining("lacks the REPLICATION attribute").hasMessageContaining("ALTER ROLE no_replication REPLICATION;");
    assertThat(cluster.workDirectory().resolve("bb-refused")).as("no job was started").doesNotExist();
  }

  @Test
  void shouldAttachToTheBackupOfItsJobAndNeverRunPgBasebackupTwice() throws Exception {
    long checkpoints = requestedCheckpoints();
    BackupRequest request = new BackupRequest("bb-once", "bb-once", BackupType.FULL, null);

    // when the step starts the backup and polls it, as a retry or a second node would
    PhysicalJob<TakenBackup> first = physical.backup(remote, request);
    PhysicalJob<TakenBackup> second = physical.backup(remote, request);
    TakenBackup taken = backup(remote, request);
    PhysicalJob<TakenBackup> afterwards = physical.backup(remote, request);

    // then pg_basebackup ran once (its fast checkpoint is the one requested), and every later call finds its backup
    assertThat(first.startedNow()).isTrue();
    assertThat(second.startedNow()).isFalse();
    assertThat(afterwards.startedNow()).isFalse();
    assertThat(afterwards.result().manifest()).isEqualTo(taken.manifest());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(requestedCheckpoints()).isEqualTo(checkpoints + 1));
  }

  @Test
  void shouldFinishTheBackupOfANodeThatDiedAfterPgBasebackupEndedWithoutRunningItAgain() throws Exception {
    // given node-b started the job and its pg_basebackup, which ended, and then node-b died
    Path job = cluster.workDirectory().resolve("bb-taken-over");
    Files.createDirectories(job);
    String otherNode = "host=node-b\nboot=\npid=4242\nstarted=\n";
    Files.writeString(job.resolve("start-1"), otherNode);
    Files.writeString(job.resolve("pid"), otherNode);
    Files.writeString(job.resolve("heartbeat"), Instant.now().toString());
    Files.writeString(job.resolve(RemoteBackups.STARTED), query("SELECT system_identifier::text FROM pg_control_system()") + "\n"
        + serverTime() + "\n");
    long checkpoints = requestedCheckpoints();
    DetachedProcess run = new DetachedProcess(job.resolve(RemoteBackups.RUN));
    run.startOrAttach(BasebackupCommand.command(ArchivingPostgres.BIN.resolve("pg_basebackup"),
        BasebackupCommand.server(cluster.url(), "postgres"), job.resolve(RemoteBackups.OUTPUT), "rebound bb-taken-over"), Map.of(),
        Map.of());
    await().atMost(Duration.ofMinutes(2)).until(() -> run.state().status() != DetachedProcess.Status.RUNNING);
    assertThat(run.state().status()).isEqualTo(DetachedProcess.Status.SUCCEEDED);
    await().atMost(Duration.ofSeconds(30)).until(() -> requestedCheckpoints() == checkpoints + 1);
    PostgresPhysicalBackups nodeA = new PostgresPhysicalBackups(cluster.workDirectory(), new DetachedJobs(new JobHost("node-a", "",
        Duration.ofMillis(100), Duration.ofSeconds(2)), new DetachedWorkers()), () -> store);
    BackupRequest request = new BackupRequest("bb-taken-over", "bb-taken-over", BackupType.FULL, null);

    // when node-a takes the job over once node-b's heartbeat is stale
    await().atMost(Duration.ofSeconds(30)).until(() -> nodeA.backup(remote, request).startedNow());
    TakenBackup taken = PolledJobs.succeeded(() -> nodeA.backup(remote, request));

    // then it made the backup of node-b's pg_basebackup, and ran none of its own
    assertThat(taken.files()).extracting(file -> file.getFileName().toString())
        .containsExactly(BaseBackup.TAR, FileList.NAME, BaseBackup.LABEL);
    assertThat(Files.readString(taken.files().get(2))).contains("LABEL: rebound bb-taken-over");
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> requestedCheckpoints() == checkpoints + 1);
  }

  private static long requestedCheckpoints() throws SQLException {
    return Long.parseLong(query("SELECT checkpoints_req FROM pg_stat_bgwriter"));
  }

  // ---------------------------------------------------------------- helpers

  private static TakenBackup backup(Target target, BackupRequest request) {
    return PolledJobs.succeeded(() -> physical.backup(target, request));
  }

  private static CollectedLogs collect(LogRequest request) {
    return PolledJobs.succeeded(() -> physical.collectLogs(remote, request));
  }

  private static RestoredPoint restore(String jobKey, RecoveryPlan plan) {
    return PolledJobs.succeeded(() -> physical.restore(host, new RestoreRequest(jobKey, plan)));
  }

  private static BackupManifest publish(TakenBackup taken) throws Exception {
    return bucket.publish(taken.manifest(), taken.files());
  }

  private static LogManifest publish(CollectedLogs collected) throws Exception {
    assertThat(collected.gaps()).isEmpty();
    return bucket.publish(collected.batch().orElseThrow(), collected.files());
  }

  static String query(String sql) throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  static void execute(String sql) throws SQLException {
    try (Connection connection = cluster.connect(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  static Instant serverTime() throws SQLException {
    return Instant.parse(query("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
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
}
